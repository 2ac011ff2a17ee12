"""Member vectors for articles placed before the store kept them (revision 0003).

Placement compares a new article with the stored vectors of each candidate story's recent members and
weighs names and words by their running document frequency (placement.py). A database upgraded to
0003 has neither for the articles it already held, so the next article of a story begun before the
upgrade finds no member to match and starts a story of its own. `backfill` gives those articles what
placement would have: in the order they were stored, each is counted in the document frequency and
kept as a member of the story it is in, with the features rebuilt from its stored document.

It only adds rows placement adds anyway (one vector per article, one count per term), so it can run
beside the store workers and be run again: an article that has its vector is skipped.

Members kept before their lead person was (the protagonist rules of stories.py and merging.py) get it
the same way, from their stored document; a member that has one, even none (null), is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, Row, Select, func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from newsflow_schemas import EnrichedArticle

from .placement import add_member
from .stories import as_utc, features, lead_person
from .tables import article_vectors, articles, stories

DAYS = 14  # placement reads the document frequency of the article's week and the one before
BATCH = 200  # articles per transaction


@dataclass
class BackfillResult:
    added: int = 0  # articles given a vector (and counted)
    leads: int = 0  # members given the lead person their vector lacked
    unreadable: list[str] = field(default_factory=list)  # stored documents that no longer validate
    since: datetime | None = None  # stories active from then on were looked at (None: nothing stored)


Progress = Callable[[int], None]


def backfill(
    engine: Engine, days: float = DAYS, batch: int = BATCH, progress: Progress | None = None
) -> BackfillResult:
    """Give every article of the stories active in the store's last `days` (counted back from its latest
    story, not from now: the store may be replaying an old stream) the vector placement would have kept."""
    insert: Any = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    result = BackfillResult()
    with engine.connect() as conn:
        latest = conn.execute(select(func.max(stories.c.last_seen))).scalar()
    if latest is None:
        return result
    result.since = as_utc(latest) - timedelta(days=days)
    missing = (
        select(articles.c.article_id, articles.c.story_id, articles.c.stored_at, articles.c.document)
        .join(stories, stories.c.story_id == articles.c.story_id)
        .outerjoin(article_vectors, article_vectors.c.article_id == articles.c.article_id)
        .where(stories.c.last_seen >= result.since, article_vectors.c.article_id.is_(None))
    )

    def add_members(conn: Connection, rows: Sequence[Row[Any]]) -> None:
        for row in rows:
            try:
                article = EnrichedArticle.model_validate(row.document)
            except ValidationError:
                result.unreadable.append(row.article_id)
                continue
            add_member(conn, row.article_id, row.story_id, features(article, as_utc(row.stored_at)), insert)
            result.added += 1

    _by_pages(engine, missing, batch, add_members, progress)
    _by_pages(engine, _members_since(result.since), batch, lambda conn, rows: _add_leads(conn, rows, result))
    return result


def _by_pages(
    engine: Engine,
    query: Select[Any],
    batch: int,
    handle: Callable[[Connection, Sequence[Row[Any]]], None],
    progress: Progress | None = None,
) -> None:
    """`handle` each page of `query`'s articles in the order they were stored, a transaction per page:
    a long backfill never holds one open."""
    key = tuple_(articles.c.stored_at, articles.c.article_id)
    page = query.order_by(articles.c.stored_at, articles.c.article_id).limit(batch)
    after: tuple[datetime, str] | None = None
    while True:
        with engine.begin() as conn:
            rows = conn.execute(page if after is None else page.where(key > after)).all()
            handle(conn, rows)
        if not rows:
            return
        after = (rows[-1].stored_at, rows[-1].article_id)
        if progress is not None:
            progress(len(rows))


def _members_since(since: datetime) -> Select[Any]:
    """The members of the stories active since `since`, with their stored vectors."""
    return (
        select(articles.c.article_id, articles.c.stored_at, article_vectors.c.vector)
        .join(article_vectors, article_vectors.c.article_id == articles.c.article_id)
        .join(stories, stories.c.story_id == articles.c.story_id)
        .where(stories.c.last_seen >= since)
    )


def _add_leads(conn: Connection, rows: Sequence[Row[Any]], result: BackfillResult) -> None:
    """Give the members whose vector has no "lead" key the lead person of their stored document
    (documents are read only for those)."""
    lacking = {row.article_id: row.vector for row in rows if "lead" not in row.vector}
    if not lacking:
        return
    documents = select(articles.c.article_id, articles.c.document).where(articles.c.article_id.in_(lacking))
    for article_id, document in conn.execute(documents).all():
        try:
            article = EnrichedArticle.model_validate(document)
        except ValidationError:
            if article_id not in result.unreadable:
                result.unreadable.append(article_id)
            continue
        vector = {**lacking[article_id], "lead": lead_person(article)}
        conn.execute(update(article_vectors).where(article_vectors.c.article_id == article_id).values(vector=vector))
        result.leads += 1
