"""The store's read side: articles, entities and stories, with SQLAlchemy Core on either database.

The query API and the `newsflow articles|stories` commands both read through these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import Connection, Select, and_, func, or_, select

from newsflow_schemas import Entity
from newsflow_schemas.articles import EntityType

from .core import entity_id
from .paging import Cursor, NameCursor, as_utc
from .tables import articles, entities, mentions, stories

Order = Literal["stored", "published"]
LEAD_CHARS = 200
MAX_HOPS = 16  # merged story -> survivor links followed at most

SUMMARY_COLUMNS = (
    articles.c.article_id,
    articles.c.title,
    articles.c.url,
    articles.c.canonical_url,
    articles.c.source,
    articles.c.site_name,
    articles.c.language,
    articles.c.agency,
    articles.c.published_at,
    articles.c.stored_at,
    articles.c.story_id,
    articles.c.duplicate_of,
    articles.c.word_count,
    func.substr(articles.c.body, 1, LEAD_CHARS).label("lead"),
)


@dataclass(frozen=True)
class ArticleFilter:
    entity_ids: tuple[str, ...] | None = None
    story_id: str | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None
    stored_after: datetime | None = None
    stored_before: datetime | None = None


def summary(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)  # url and canonical_url mean what they mean in the article's document
    for key in ("published_at", "stored_at"):
        if data[key] is not None:
            data[key] = as_utc(data[key])
    return data


def article(conn: Connection, article_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(
            articles.c.article_id,
            articles.c.story_id,
            articles.c.duplicate_of,
            articles.c.revision,
            articles.c.stored_at,
            articles.c.updated_at,
            articles.c.document,
        ).where(articles.c.article_id == article_id)
    ).first()
    if row is None:
        return None
    data = dict(row._mapping)
    data["stored_at"], data["updated_at"] = as_utc(data["stored_at"]), as_utc(data["updated_at"])
    return data


def list_articles(
    conn: Connection, where: ArticleFilter, order: Order, limit: int, after: Cursor | None
) -> tuple[list[dict[str, Any]], Cursor | None]:
    """One page, newest first by `order`, and the cursor of the next page (None on the last)."""
    key = articles.c.published_at if order == "published" else articles.c.stored_at
    query = _filtered(conn, select(*SUMMARY_COLUMNS), where)
    if order == "published":
        query = query.where(key.is_not(None))
    if after is not None:
        at = bindable(conn, after.at)
        query = query.where(or_(key < at, and_(key == at, articles.c.article_id > after.article_id)))
    rows = [summary(r) for r in conn.execute(query.order_by(key.desc(), articles.c.article_id).limit(limit + 1))]
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], Cursor(last[f"{order}_at"], last["article_id"])


def _filtered(conn: Connection, query: Select[Any], where: ArticleFilter) -> Select[Any]:
    if where.entity_ids is not None:
        mentioned = select(mentions.c.article_id).where(mentions.c.entity_id.in_(where.entity_ids))
        query = query.where(articles.c.article_id.in_(mentioned))
    if where.story_id is not None:
        query = query.where(articles.c.story_id == where.story_id)
    bounds = (
        (articles.c.published_at, where.published_after, where.published_before),
        (articles.c.stored_at, where.stored_after, where.stored_before),
    )
    for column, after, before in bounds:
        if after is not None:
            query = query.where(column >= bindable(conn, after))
        if before is not None:
            query = query.where(column < bindable(conn, before))
    return query


def bindable(conn: Connection, moment: datetime) -> datetime:
    # SQLite keeps datetimes as text without their offset, written in UTC: compare like with like.
    moment = as_utc(moment)
    return moment.replace(tzinfo=None) if conn.dialect.name == "sqlite" else moment


def entity_ids_named(name: str, entity_type: str | None) -> tuple[str, ...]:
    """The store's ids for a name (case and spacing ignored): of one type, or of every type."""
    types = [entity_type] if entity_type else list(get_args(EntityType))
    return tuple(entity_id(Entity(name=name, type=t, mentions=0)) for t in types)  # type: ignore[arg-type]


def list_entities(
    conn: Connection, entity_ids: tuple[str, ...] | None, entity_type: str | None, limit: int, after: NameCursor | None
) -> tuple[list[dict[str, Any]], NameCursor | None]:
    """Entities (among `entity_ids`, of `entity_type`, when given) by name, with how many articles name
    each; one page and the cursor of the next."""
    named_in = func.count(mentions.c.article_id)
    query = (
        select(entities.c.entity_id, entities.c.name, entities.c.type, named_in.label("articles"))
        .join(mentions, mentions.c.entity_id == entities.c.entity_id, isouter=True)
        .group_by(entities.c.entity_id, entities.c.name, entities.c.type)
    )
    if entity_ids is not None:
        query = query.where(entities.c.entity_id.in_(entity_ids))
    if entity_type is not None:
        query = query.where(entities.c.type == entity_type)
    if after is not None:
        query = query.where(
            or_(
                entities.c.name > after.name,
                and_(entities.c.name == after.name, entities.c.entity_id > after.entity_id),
            )
        )
    rows = [
        dict(r._mapping) for r in conn.execute(query.order_by(entities.c.name, entities.c.entity_id).limit(limit + 1))
    ]
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], NameCursor(last["name"], last["entity_id"])


def entities_by_id(conn: Connection, entity_ids: tuple[str, ...]) -> list[dict[str, Any]]:
    """The entities among `entity_ids` that the store knows, with how many articles name each."""
    named_in = func.count(mentions.c.article_id)
    query = (
        select(entities.c.entity_id, entities.c.name, entities.c.type, named_in.label("articles"))
        .join(mentions, mentions.c.entity_id == entities.c.entity_id, isouter=True)
        .where(entities.c.entity_id.in_(entity_ids))
        .group_by(entities.c.entity_id, entities.c.name, entities.c.type)
        .order_by(named_in.desc(), entities.c.entity_id)
    )
    return [dict(r._mapping) for r in conn.execute(query)]


def list_stories(
    conn: Connection, limit: int, after: Cursor | None, min_articles: int = 1
) -> tuple[list[dict[str, Any]], Cursor | None]:
    """Stories most recently added to first (of at least `min_articles`); the cursor's id is the story's."""
    query = select(stories).where(stories.c.article_count >= min_articles, stories.c.merged_into.is_(None))
    if after is not None:
        at = bindable(conn, after.at)
        query = query.where(
            or_(stories.c.last_seen < at, and_(stories.c.last_seen == at, stories.c.story_id > after.article_id))
        )
    query = query.order_by(stories.c.last_seen.desc(), stories.c.story_id).limit(limit + 1)
    rows = [_story(r) for r in conn.execute(query)]
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], Cursor(last["last_seen"], last["story_id"])


def story(conn: Connection, story_id: str) -> dict[str, Any] | None:
    """The story; a story merged away (merged_into set) holds no articles: see survivor()."""
    row = conn.execute(select(stories).where(stories.c.story_id == story_id)).first()
    return _story(row) if row is not None else None


def survivor(conn: Connection, story_id: str) -> str | None:
    """Where a story merged away went (the story now holding its articles); None when it was not merged.
    The merge pass keeps every merged story pointing at the last survivor; the hops are bounded anyway."""
    found, at = None, story_id
    for _ in range(MAX_HOPS):
        into = conn.execute(select(stories.c.merged_into).where(stories.c.story_id == at)).scalar()
        if into is None:
            return found
        found = at = into
    return found


def _story(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    data["first_seen"], data["last_seen"] = as_utc(data["first_seen"]), as_utc(data["last_seen"])
    return data


def count_articles(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(articles)).scalar_one()


def count_stories(conn: Connection, min_articles: int = 1) -> int:
    query = (
        select(func.count())
        .select_from(stories)
        .where(stories.c.article_count >= min_articles, stories.c.merged_into.is_(None))
    )
    return conn.execute(query).scalar_one()
