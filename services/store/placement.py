"""Placing a stored article, inside the store's transaction: the original it nearly duplicates and the
story it belongs to. Candidates come from indexes (band keys, mentions); the decisions from the pure
cores in duplicates.py and stories.py. A placed article is kept as a member of its story (its vector,
table article_vectors) and counted in the running document frequency of names and body words
(table term_counts: per term, week and shard, read over the article's week and the one before).

Store replicas: without care, two replicas storing the first two articles of a story at the same
moment would each start a story of its own, and two copies of one text would each miss the other.
On PostgreSQL a transaction first takes transaction-scoped advisory locks on what its articles could
meet each other through (placement_keys: every band key, each a near-duplicate candidate, and each
article's few heaviest names), all at once in ascending order so that two transactions never wait
on each other in a cycle. Articles that share a key are placed one after the other, each seeing what
the previous committed; articles with nothing in common run side by side, so replicas scale.
Two articles of one event that share none of their heaviest names can still start two stories when
stored at the same instant; the merge pass rejoins such fragments. SQLite needs no locks: the first
write of a transaction holds the database's write lock until the commit.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, get_args

from sqlalchemy import Connection, and_, delete, func, not_, or_, select, text, update

from newsflow_schemas.articles import EntityType

from .core import ArticleRows, typed_name_id
from .duplicates import best_match
from .stories import (
    THRESHOLD,
    MemberVector,
    Rarity,
    Search,
    Span,
    StoryFeatures,
    article_vector,
    as_utc,
    choose_story,
    joined_span,
    merged_terms,
    searches,
    started_span,
    story_id_for,
    term_weight,
)
from .tables import article_bands, article_vectors, articles, mentions, stories, term_counts

MAX_DUPLICATE_CANDIDATES = 10  # articles sharing the most band keys, compared word by word
MAX_STORY_CANDIDATES = 20  # stories sharing the most (rarity-weighted) names, scored in full
MAX_MEMBERS = 8  # of each, its most recent articles the new one is compared with
TERM_SHARDS = 16  # term_counts rows per term and week: up to 16 transactions count side by side
# Advisory lock keys of the term_counts shards: "nfshard" in ASCII, plus the shard.
SHARD_LOCKS = int.from_bytes(b"nfshard", "big") << 8
WEEK = 7 * 24 * 3600
MAX_NAMES = 50  # an article's heaviest entity names that are looked up
# (story, name) rows read per search, the most recently active first: a name in thousands of stories
# ("United States") counts little anyway, and the lookup stays bounded.
MAX_NAMING_ROWS = 5000
LOCKED_NAMES = 5  # an article's heaviest names locked while it is placed (see the module docstring)
_ENTITY_TYPES: tuple[str, ...] = get_args(EntityType)

Insert = Callable[..., Any]  # postgresql.insert or sqlite.insert


@dataclass(frozen=True)
class StoryPlacement:
    story_id: str | None
    duplicate_of: str | None


def place(conn: Connection, rows: ArticleRows, insert: Insert, threshold: float = THRESHOLD) -> StoryPlacement:
    """Set the article's duplicate_of and story_id (an article keeps the story it was first put in)."""
    article_id = rows.article["article_id"]
    current = conn.execute(select(articles.c.story_id).where(articles.c.article_id == article_id)).one()
    duplicate_of = _original(conn, article_id, rows)
    conn.execute(delete(article_bands).where(article_bands.c.article_id == article_id))
    if rows.bands:
        conn.execute(article_bands.insert().values([{"band_key": k, "article_id": article_id} for k in rows.bands]))
    story_id = current.story_id
    if story_id is None and rows.story is not None:
        story_id = _story(conn, article_id, rows.story, duplicate_of, insert, threshold)
    conn.execute(
        update(articles).where(articles.c.article_id == article_id).values(story_id=story_id, duplicate_of=duplicate_of)
    )
    return StoryPlacement(story_id, duplicate_of)


def placement_keys(batch: Iterable[ArticleRows]) -> list[int]:
    """The advisory lock keys a transaction storing `batch` takes before writing: ascending, no repeats."""
    keys: set[int] = set()
    for rows in batch:
        keys.update(_signed(band) for band in rows.bands)
        if rows.story is not None:
            keys.update(_name_key(name) for name in heaviest_names(rows.story, LOCKED_NAMES))
    return sorted(keys)


def lock_placements(conn: Connection, batch: Iterable[ArticleRows]) -> None:
    """Take the batch's placement locks (PostgreSQL; held to the end of the transaction)."""
    if conn.dialect.name != "postgresql":
        return
    keys = placement_keys(batch)
    if keys:
        # The ORDER BY subquery is not flattened, so the locks are taken in ascending order.
        conn.execute(
            text(
                "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest(CAST(:keys AS bigint[])) AS k ORDER BY k) s"
            ),
            {"keys": keys},
        )


def heaviest_names(features: StoryFeatures, limit: int) -> list[str]:
    """The article's names that say most about its event: type weight times salience, then name."""
    weight = {k: n.weight * term_weight(n.mentions) for k, n in features.entities.items()}
    return sorted(weight, key=lambda k: (-weight[k], k))[:limit]


def _name_key(name: str) -> int:
    return _signed(int.from_bytes(hashlib.blake2b(f"name|{name}".encode(), digest_size=8).digest(), "big"))


def _signed(value: int) -> int:
    """A bigint for PostgreSQL: any integer folded into the signed 64-bit range."""
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def _original(conn: Connection, article_id: str, rows: ArticleRows) -> str | None:
    """The first stored copy of the article's text, if it nearly duplicates one."""
    if not rows.bands:
        return None
    shared = func.count().label("shared")
    hits = (
        select(article_bands.c.article_id, shared)
        .where(article_bands.c.band_key.in_(rows.bands), article_bands.c.article_id != article_id)
        .group_by(article_bands.c.article_id)
        .order_by(shared.desc(), article_bands.c.article_id)
        .limit(MAX_DUPLICATE_CANDIDATES)
    )
    ids = list(conn.execute(hits).scalars())
    if not ids:
        return None
    candidates = conn.execute(
        select(articles.c.article_id, articles.c.body, articles.c.duplicate_of).where(
            articles.c.article_id.in_(ids),
            # A copy of this article is not its original.
            or_(articles.c.duplicate_of.is_(None), articles.c.duplicate_of != article_id),
        )
    ).all()
    match = best_match(rows.shingles, [(c.article_id, c.body) for c in candidates])
    if match is None:
        return None
    # Point at the original, not at another copy of it.
    return next(c.duplicate_of or c.article_id for c in candidates if c.article_id == match.article_id)


def _story(
    conn: Connection,
    article_id: str,
    features: StoryFeatures,
    duplicate_of: str | None,
    insert: Insert,
    threshold: float,
) -> str:
    vector = article_vector(features, _rarity(conn, features))
    story_id = _chosen_story(conn, article_id, features, vector, duplicate_of, insert, threshold)
    _remember(conn, article_id, story_id, features, vector, insert)
    return story_id


def _chosen_story(
    conn: Connection,
    article_id: str,
    features: StoryFeatures,
    vector: MemberVector,
    duplicate_of: str | None,
    insert: Insert,
    threshold: float,
) -> str:
    if duplicate_of is not None:
        original_story = conn.execute(
            select(articles.c.story_id).where(articles.c.article_id == duplicate_of)
        ).scalar_one_or_none()
        if original_story is not None:
            return _join(conn, original_story, features)
    match = _best_story(conn, article_id, features, vector, threshold)
    if match is not None:
        return _join(conn, match, features)
    story_id = story_id_for(article_id)
    span = started_span(features)
    started = conn.execute(
        insert(stories)
        .values(
            story_id=story_id,
            title=features.headline,
            article_count=1,
            first_seen=span.first_seen,
            last_seen=span.last_seen,
            dated=span.dated,
            terms=_terms({}, features),
        )
        .on_conflict_do_nothing()
    )
    if started.rowcount == 0:  # this article started it before and lost its row since: count it again
        return _join(conn, story_id, features)
    return story_id


def _week(features: StoryFeatures) -> int:
    return int(features.time.timestamp() // WEEK)


def _rarity(conn: Connection, features: StoryFeatures) -> Rarity:
    """Document frequencies of the article's names and words over the articles of its week and the one
    before (so over the last 7 to 14 days)."""
    terms = features.terms()
    week = _week(features)
    rows = conn.execute(
        select(term_counts.c.term, func.sum(term_counts.c.articles))
        .where(term_counts.c.term.in_(["", *terms]), term_counts.c.week.in_([week - 1, week]))
        .group_by(term_counts.c.term)
    ).all()
    counts = {term: int(total) for term, total in rows}
    return Rarity(counts.pop("", 0), counts)


def _remember(
    conn: Connection, article_id: str, story_id: str, features: StoryFeatures, vector: MemberVector, insert: Insert
) -> None:
    """Keep the article as a member of its story, and count its names and words."""
    stored = vector.stored()
    conn.execute(
        insert(article_vectors)
        .values(article_id=article_id, story_id=story_id, seen_at=features.time, vector=stored)
        .on_conflict_do_nothing()
    )
    week, shard = _week(features), _term_shard(conn, article_id)
    counted = [{"term": t, "week": week, "shard": shard} for t in ["", *features.terms()]]
    conn.execute(_count_terms(insert), counted)


def _term_shard(conn: Connection, article_id: str) -> int:
    """The term_counts shard this transaction writes. On PostgreSQL a transaction claims a shard no
    other holds (pg_try_advisory_xact_lock, never waiting; a lock it holds is granted again), so
    concurrent placements never update the same count rows: no waiting on hot words ("said"), and no
    deadlock between batches counting the same words in another order. Only when every shard is taken
    does it wait for one. SQLite has one writer: the article's own shard."""
    if conn.dialect.name != "postgresql":
        return zlib.crc32(article_id.encode()) % TERM_SHARDS
    free = conn.execute(
        text("SELECT k FROM generate_series(0, :last) AS k WHERE pg_try_advisory_xact_lock(:base + k) LIMIT 1"),
        {"last": TERM_SHARDS - 1, "base": SHARD_LOCKS},
    ).scalar()
    if free is not None:
        return int(free)
    shard = zlib.crc32(article_id.encode()) % TERM_SHARDS
    conn.execute(select(func.pg_advisory_xact_lock(SHARD_LOCKS + shard)))
    return shard


_COUNTS: dict[Insert, Any] = {}


def _count_terms(insert: Insert) -> Any:
    """INSERT ... ON CONFLICT add one, built once per dialect and run for all of an article's terms at
    once (executemany: one compiled statement, not one statement text per article)."""
    if insert not in _COUNTS:
        new = insert(term_counts).values(articles=1)
        _COUNTS[insert] = new.on_conflict_do_update(
            index_elements=[term_counts.c.term, term_counts.c.week, term_counts.c.shard],
            set_={"articles": term_counts.c.articles + 1},
        )
    return _COUNTS[insert]


def _best_story(
    conn: Connection, article_id: str, features: StoryFeatures, vector: MemberVector, threshold: float
) -> str | None:
    """The story the article continues, looking where stories.searches says, in order."""
    for search in searches(features):
        match = _best_story_in(conn, article_id, features, vector, threshold, search)
        if match is not None:
            return match
    return None


def _best_story_in(
    conn: Connection,
    article_id: str,
    features: StoryFeatures,
    vector: MemberVector,
    threshold: float,
    search: Search,
) -> str | None:
    """The best candidate of one search, found through the mentions of the article's entity names."""
    heaviest = sorted(features.entities, key=lambda k: -features.entities[k].weight)[:MAX_NAMES]
    # Ids of each name under every type: the small NER model types one name differently across articles.
    names_by_id = {typed_name_id(type_, name): name for name in heaviest for type_ in _ENTITY_TYPES}
    if not names_by_id:
        return None
    active = or_(
        and_(stories.c.dated, stories.c.last_seen >= search.dated_from, stories.c.first_seen <= search.dated_to),
        and_(
            not_(stories.c.dated),
            stories.c.last_seen >= search.undated_from,
            stories.c.first_seen <= search.undated_to,
        ),
    )
    naming = (
        select(articles.c.story_id, mentions.c.entity_id, stories.c.last_seen)
        .select_from(
            mentions.join(articles, articles.c.article_id == mentions.c.article_id).join(
                stories, stories.c.story_id == articles.c.story_id
            )
        )
        .where(mentions.c.entity_id.in_(list(names_by_id)), articles.c.article_id != article_id, active)
        .distinct()
        .order_by(stories.c.last_seen.desc())
        .limit(MAX_NAMING_ROWS)
    )
    stories_naming: dict[str, set[str]] = defaultdict(set)
    for story_id, entity_id, _last_seen in conn.execute(naming):
        stories_naming[names_by_id[entity_id]].add(story_id)
    rough: dict[str, float] = defaultdict(float)
    for name, ids in stories_naming.items():
        for story_id in ids:
            rough[story_id] += vector.entities.get(name, 0.0)
    shortlist = sorted(rough, key=lambda s: (-rough[s], s))[:MAX_STORY_CANDIDATES]
    match = choose_story(vector, _members(conn, shortlist), threshold)
    return match.story_id if match is not None else None


def _members(conn: Connection, story_ids: list[str]) -> list[MemberVector]:
    """The most recent MAX_MEMBERS articles of each story, as stored when they were placed."""
    if not story_ids:
        return []
    recent = func.row_number().over(partition_by=article_vectors.c.story_id, order_by=article_vectors.c.seen_at.desc())
    ranked = (
        select(article_vectors.c.story_id, article_vectors.c.vector, recent.label("recent"))
        .where(article_vectors.c.story_id.in_(story_ids))
        .subquery()
    )
    rows = conn.execute(select(ranked.c.story_id, ranked.c.vector).where(ranked.c.recent <= MAX_MEMBERS))
    return [MemberVector.from_stored(story_id, vector) for story_id, vector in rows]


def _join(conn: Connection, story_id: str, features: StoryFeatures) -> str:
    """Count the article in the story, or in the one it was merged into meanwhile; that story's id.

    Articles placed side by side can join one story through different names, and a merge pass may be
    moving its articles: the row is read FOR UPDATE, so each waits for the other's commit and sees it."""
    query = select(stories).where(stories.c.story_id == story_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    story = conn.execute(query).one()
    if story.merged_into is not None:  # merge_pass points merged stories at the last survivor
        return _join(conn, story.merged_into, features)
    span = joined_span(Span(as_utc(story.first_seen), as_utc(story.last_seen), story.dated), features)
    conn.execute(
        update(stories)
        .where(stories.c.story_id == story_id)
        .values(
            article_count=stories.c.article_count + 1,
            first_seen=span.first_seen,
            last_seen=span.last_seen,
            dated=span.dated,
            title=story.title or features.headline,
            terms=_terms(story.terms or {}, features),
        )
    )
    return story_id


def _terms(before: dict[str, list[str]], features: StoryFeatures) -> dict[str, list[str]]:
    return {
        "title": merged_terms(before.get("title", []), features.title_words),
        "keywords": merged_terms(before.get("keywords", []), features.keywords),
    }


def add_member(conn: Connection, article_id: str, story_id: str, features: StoryFeatures, insert: Insert) -> None:
    """Keep an article already in `story_id` as a member of it, weighted and counted as if placement had
    just put it there (backfill.py: articles stored before member vectors existed)."""
    vector = article_vector(features, _rarity(conn, features))
    _remember(conn, article_id, story_id, features, vector, insert)
