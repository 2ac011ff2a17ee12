"""The story merge pass on the database: read recent stories' profiles, let merging.plan decide, and
apply each merge in one transaction with its StoryMerged event written to the story_merges outbox;
then announce the outbox's unannounced events on stories.merged and mark them announced.

Commit, announce, mark: as for ArticleStored (announce.py). A crash after the commit leaves the rows
unannounced, and the next pass (of any replica) announces them; a crash after announcing and before
the mark announces again, and the announcer's marker key (one per merge_id) drops the repeat.

On PostgreSQL one replica runs a pass at a time (a transaction-scoped pg_try_advisory_xact_lock: the
others skip theirs), and a merge locks both stories' rows (FOR UPDATE, in id order) before moving
articles: a placement joining either story waits for the merge's commit, then follows merged_into to
the survivor (placement._join). SQLite has one writer anyway.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog
from sqlalchemy import Connection, Engine, and_, case, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from newsflow_schemas import StoryMerged
from services.common.connection import REDIS_ERRORS

from .events import merge_event
from .merging import THRESHOLD, Merge, Name, StoryProfile, plan
from .queries import bindable
from .stories import Span, as_utc, folded_name, merged_span, merged_terms
from .tables import article_vectors, articles, entities, mentions, stories, story_merges

log = structlog.get_logger()

LOOKBACK = timedelta(days=7)  # stories active (last_seen) this long before now are looked at again
MAX_STORIES = 400  # the most recently active of them: bounds a pass's reads and its pairs
# pg_try_advisory_xact_lock key: "nf-merge" in ASCII, meaning "a merge pass runs".
MERGE_LOCK = int.from_bytes(b"nf-merge", "big")


class AnnouncesMerges(Protocol):
    async def announce(self, event: StoryMerged) -> bool: ...


@dataclass(frozen=True)
class PassResult:
    merged: list[StoryMerged]  # merges this pass applied
    announced: list[str]  # merge ids announced by this pass (its own and any an earlier pass left)
    skipped: bool = False  # another replica was running a pass


def merge_id_for(story_id: str) -> str:
    """A story is merged away once: its merge is named after it, so a retried merge names it the same."""
    return hashlib.sha256(f"merge|{story_id}".encode()).hexdigest()[:32]


def recent_profiles(
    conn: Connection, now: datetime, lookback: timedelta = LOOKBACK, most: int = MAX_STORIES
) -> list[StoryProfile]:
    """The stories active within `lookback` of `now` and not merged away, the most recent `most`."""
    since = now - lookback
    if conn.dialect.name == "sqlite":  # naive UTC text there
        since = as_utc(since).replace(tzinfo=None)
    rows = conn.execute(
        select(stories)
        .where(stories.c.merged_into.is_(None), stories.c.article_count > 0, stories.c.last_seen >= since)
        .order_by(stories.c.last_seen.desc(), stories.c.story_id)
        .limit(most)
    ).all()
    if not rows:
        return []
    ids = [r.story_id for r in rows]
    named = (
        select(
            articles.c.story_id,
            entities.c.name,
            entities.c.type,
            func.count(func.distinct(articles.c.article_id)),
            func.sum(mentions.c.count),
        )
        .select_from(
            articles.join(mentions, mentions.c.article_id == articles.c.article_id).join(
                entities, entities.c.entity_id == mentions.c.entity_id
            )
        )
        .where(articles.c.story_id.in_(ids))
        .group_by(articles.c.story_id, entities.c.name, entities.c.type)
    )
    names: dict[str, dict[str, Name]] = defaultdict(dict)
    for story_id, name, type_, naming, count in conn.execute(named):
        key = folded_name(name)
        before = names[story_id].get(key)
        # One name under two types (the small NER model's doing) is one name: its commoner type wins.
        if before is None or naming > before.articles:
            names[story_id][key] = Name(type_, int(naming), int(count) + (before.mentions if before else 0))
        else:
            names[story_id][key] = Name(before.type, before.articles, before.mentions + int(count))
    words: dict[str, dict[str, float]] = defaultdict(dict)
    leads: dict[str, list[str]] = defaultdict(list)
    for story_id, vector in conn.execute(
        select(article_vectors.c.story_id, article_vectors.c.vector).where(article_vectors.c.story_id.in_(ids))
    ):
        summed = words[story_id]
        for word, weight in (vector.get("words") or {}).items():
            summed[word] = summed.get(word, 0.0) + weight
        if isinstance(lead := vector.get("lead"), str) and lead:
            leads[story_id].append(lead)
    return [
        StoryProfile(
            story_id=r.story_id,
            article_count=r.article_count,
            first_seen=as_utc(r.first_seen),
            last_seen=as_utc(r.last_seen),
            dated=r.dated,
            names=names[r.story_id],
            terms=frozenset((r.terms or {}).get("title", [])) | frozenset((r.terms or {}).get("keywords", [])),
            words=words[r.story_id],
            leads=tuple(sorted(leads[r.story_id])),
        )
        for r in rows
    ]


def merge_stories(
    engine: Engine,
    now: datetime,
    threshold: float = THRESHOLD,
    lookback: timedelta = LOOKBACK,
    most: int = MAX_STORIES,
) -> list[StoryMerged] | None:
    """One pass's merges, applied and recorded in one transaction; None when another replica's pass runs."""
    with engine.begin() as conn:
        postgresql = conn.dialect.name == "postgresql"
        if postgresql and not conn.execute(select(func.pg_try_advisory_xact_lock(MERGE_LOCK))).scalar():
            return None
        planned = plan(recent_profiles(conn, now, lookback, most), threshold)
        if not planned:
            return []
        return [event for merge in planned if (event := apply(conn, merge, now)) is not None]


def apply(conn: Connection, merge: Merge, now: datetime) -> StoryMerged | None:
    """Move the merged story's articles to the survivor (their updated_at the merge's time: the change
    feed's pull form of the event), count them there, mark the merged story and write the event to the
    outbox; None when either story changed since the plan (merged meanwhile)."""
    query = (
        select(stories)
        .where(stories.c.story_id.in_([merge.story_id, merge.into_story_id]))
        .order_by(stories.c.story_id)
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    both = {r.story_id: r for r in conn.execute(query)}
    gone, into = both.get(merge.story_id), both.get(merge.into_story_id)
    if gone is None or into is None or gone.merged_into is not None or into.merged_into is not None:
        return None
    moved = list(
        conn.execute(
            select(articles.c.article_id).where(articles.c.story_id == merge.story_id).order_by(articles.c.article_id)
        ).scalars()
    )
    # A move is a change of the article (not a new revision: its content is the same): updated_at says
    # when, so GET /v1/events lists it again with its new story. Never earlier than it was: a row stored
    # after the pass read its clock keeps its own time, and no reader's cursor is passed backwards.
    at = bindable(conn, now)
    moved_at = case((articles.c.updated_at < at, at), else_=articles.c.updated_at)
    conn.execute(
        update(articles)
        .where(articles.c.story_id == merge.story_id)
        .values(story_id=merge.into_story_id, updated_at=moved_at)
    )
    conn.execute(
        update(article_vectors).where(article_vectors.c.story_id == merge.story_id).values(story_id=merge.into_story_id)
    )
    count = conn.execute(
        select(func.count()).select_from(articles).where(articles.c.story_id == merge.into_story_id)
    ).scalar_one()
    conn.execute(
        update(stories)
        .where(stories.c.story_id == merge.into_story_id)
        .values(
            article_count=count,
            title=into.title or gone.title,
            terms=_terms(into.terms, gone.terms),
            **_span(into, gone),
        )
    )
    conn.execute(
        update(stories)
        .where(stories.c.story_id == merge.story_id)
        .values(article_count=0, merged_into=merge.into_story_id, merged_at=now)
    )
    # Stories merged into the merged one before now point at the survivor: one hop for every reader.
    conn.execute(update(stories).where(stories.c.merged_into == merge.story_id).values(merged_into=merge.into_story_id))
    event = StoryMerged(
        merge_id=merge_id_for(merge.story_id),
        story_id=merge.story_id,
        into_story_id=merge.into_story_id,
        article_ids=moved,
        merged_at=now,
        score=merge.score,
        shared=list(merge.shared),
        reason=merge.reason,
    )
    conn.execute(story_merges.insert().values(**event.model_dump(exclude={"schema_version"})))
    return event


def _span(into: Any, gone: Any) -> dict[str, Any]:
    """The survivor's time (stories.merged_span) as column values."""
    span = merged_span(*(Span(as_utc(r.first_seen), as_utc(r.last_seen), r.dated) for r in (into, gone)))
    return {"first_seen": span.first_seen, "last_seen": span.last_seen, "dated": span.dated}


def _terms(into: dict[str, list[str]] | None, gone: dict[str, list[str]] | None) -> dict[str, list[str]]:
    into, gone = into or {}, gone or {}
    return {key: merged_terms(into.get(key, []), gone.get(key, [])) for key in ("title", "keywords")}


def unannounced(engine: Engine, most: int = 1000) -> list[StoryMerged]:
    """Merges committed and not yet marked announced, the oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(story_merges)
            .where(story_merges.c.announced_at.is_(None))
            .order_by(story_merges.c.merged_at, story_merges.c.merge_id)
            .limit(most)
        ).all()
    return [merge_event(r) for r in rows]


def mark_announced(engine: Engine, merge_ids: Sequence[str], now: datetime) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(story_merges)
            .where(and_(story_merges.c.merge_id.in_(list(merge_ids)), story_merges.c.announced_at.is_(None)))
            .values(announced_at=now)
        )


async def run_pass(
    engine: Engine,
    announcer: AnnouncesMerges,
    now: datetime,
    threshold: float = THRESHOLD,
    lookback: timedelta = LOOKBACK,
    most: int = MAX_STORIES,
) -> PassResult:
    """Merge, commit, announce every unannounced merge, mark them: one pass (see the module's doc)."""
    merged = await asyncio.to_thread(merge_stories, engine, now, threshold, lookback, most)
    pending = await asyncio.to_thread(unannounced, engine)
    for event in pending:
        await announcer.announce(event)
    if pending:
        await asyncio.to_thread(mark_announced, engine, [e.merge_id for e in pending], now)
    return PassResult(merged or [], [e.merge_id for e in pending], skipped=merged is None)


async def merge_forever(
    engine: Engine,
    announcer: AnnouncesMerges,
    interval_s: float,
    clock: Callable[[], datetime],
    after_pass: Callable[[], Awaitable[object]] | None = None,
) -> None:
    """The store worker's periodic pass (NEWSFLOW_STORY_MERGE_INTERVAL_S): beside the stream handler,
    never in it. A pass that fails (database or Redis away) is logged; the next one picks up its
    unannounced merges. `after_pass`: the worker trims stories.merged there."""
    while True:
        await asyncio.sleep(interval_s)
        try:
            done = await run_pass(engine, announcer, clock())
            if after_pass is not None:
                await after_pass()
        except (SQLAlchemyError, *REDIS_ERRORS, OSError) as error:
            log.warning("story merge pass failed", error=f"{type(error).__name__}: {error}"[:300])
            continue
        if done.merged or done.announced:
            log.info("stories merged", merged=len(done.merged), announced=len(done.announced))
