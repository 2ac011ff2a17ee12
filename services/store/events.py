"""The store's articles as ArticleStored events, oldest change first, and its story merges as
StoryMerged events: what a subscriber backfills from when the stream no longer holds the events it
missed (GET /v1/events and /v1/story-merges, newsflow_subscriber)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, Row, Select, and_, or_, select

from newsflow_schemas import ArticleStored, EnrichedArticle, StoryMerged

from .core import stored_event
from .paging import Cursor, as_utc
from .queries import bindable
from .tables import articles, story_merges


def changed_between(
    conn: Connection,
    after: datetime | None,
    before: datetime | None,
    limit: int,
    cursor: Cursor | None,
    api_url: str,
) -> tuple[list[ArticleStored], Cursor | None]:
    """The event of each article's current revision, for articles whose latest change (updated_at) lies
    in [after, before), oldest first; and the cursor of the next page. An article changed again later
    is given once, at its current revision (the event of that later change is in the stream).

    A change is a new revision, or a move to another story by the merge pass (merge_pass.apply): a moved
    article is listed again at the merge's time with the same revision and its new story_id (the
    StoryMerged event on stories.merged is the push form of that move)."""
    query = select(
        articles.c.article_id,
        articles.c.revision,
        articles.c.story_id,
        articles.c.duplicate_of,
        articles.c.updated_at,
        articles.c.document,
    )
    key, row_id = articles.c.updated_at, articles.c.article_id
    rows, next_page = _oldest_first(conn, query, key, row_id, after, before, limit, cursor)
    return [_event(row, api_url) for row in rows], next_page


def _event(row: object, api_url: str) -> ArticleStored:
    data = row._mapping  # type: ignore[attr-defined]
    article = EnrichedArticle.model_validate(data["document"])
    change: Literal["created", "updated"] = "created" if data["revision"] == 1 else "updated"
    # When the revision was stored, as its stream event said: updated_at is later when the article moved
    # to another story since (a merge changes the row, not the revision).
    stored_at = article.times.stored_at or as_utc(data["updated_at"])
    return stored_event(article, change, stored_at, data["revision"], data["story_id"], data["duplicate_of"], api_url)


def merges_between(
    conn: Connection, after: datetime | None, before: datetime | None, limit: int, cursor: Cursor | None
) -> tuple[list[StoryMerged], Cursor | None]:
    """The story merges made in [after, before), oldest first, as their events (announced or about to
    be: a subscriber handles each merge_id once); and the cursor of the next page (its id: merge_id)."""
    query = select(story_merges)
    key, row_id = story_merges.c.merged_at, story_merges.c.merge_id
    rows, next_page = _oldest_first(conn, query, key, row_id, after, before, limit, cursor)
    return [merge_event(row) for row in rows], next_page


def merge_event(row: object) -> StoryMerged:
    """A story_merges row as the event announced for it."""
    data = row._mapping  # type: ignore[attr-defined]
    return StoryMerged.model_validate({**data, "merged_at": as_utc(data["merged_at"]), "shared": data["shared"] or []})


def _oldest_first(
    conn: Connection,
    query: Select[Any],
    key: ColumnElement[datetime],
    id_column: ColumnElement[str],
    after: datetime | None,
    before: datetime | None,
    limit: int,
    cursor: Cursor | None,
) -> tuple[list[Row[Any]], Cursor | None]:
    """One page of `query`'s rows with `key` in [after, before), by (key, id) after the cursor; and the
    cursor of the next page (its id is the row's id column, whatever the name Cursor gives it)."""
    if after is not None:
        query = query.where(key >= bindable(conn, after))
    if before is not None:
        query = query.where(key < bindable(conn, before))
    if cursor is not None:
        at = bindable(conn, cursor.at)
        query = query.where(or_(key > at, and_(key == at, id_column > cursor.article_id)))
    rows = list(conn.execute(query.order_by(key, id_column).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], Cursor(as_utc(last._mapping[key]), last._mapping[id_column])
