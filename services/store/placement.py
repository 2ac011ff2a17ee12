"""Placing a stored article, inside the store's transaction: the original it nearly duplicates and the
story it belongs to. Candidates come from indexes (band keys, mentions); the decisions from the pure
cores in duplicates.py and stories.py.

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
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, get_args

from sqlalchemy import Connection, and_, delete, func, not_, or_, select, text, update

from newsflow_schemas.articles import EntityType

from .core import ArticleRows, typed_name_id
from .duplicates import best_match
from .stories import (
    DEFAULT_TYPE_WEIGHT,
    THRESHOLD,
    TYPE_WEIGHTS,
    CandidateStory,
    Named,
    Search,
    Span,
    StoryFeatures,
    as_utc,
    choose_story,
    folded_name,
    joined_span,
    merged_terms,
    rarity,
    searches,
    started_span,
    story_id_for,
)
from .tables import article_bands, articles, entities, mentions, stories

MAX_DUPLICATE_CANDIDATES = 10  # articles sharing the most band keys, compared word by word
MAX_STORY_CANDIDATES = 20  # stories sharing the most (rarity-weighted) names, scored in full
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
    weight = {k: n.weight * (1 + math.log(max(n.mentions, 1))) for k, n in features.entities.items()}
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
    if duplicate_of is not None:
        original_story = conn.execute(
            select(articles.c.story_id).where(articles.c.article_id == duplicate_of)
        ).scalar_one_or_none()
        if original_story is not None:
            return _join(conn, original_story, features)
    match = _best_story(conn, article_id, features, threshold)
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


def _best_story(conn: Connection, article_id: str, features: StoryFeatures, threshold: float) -> str | None:
    """The story the article continues, looking where stories.searches says, in order."""
    for search in searches(features):
        match = _best_story_in(conn, article_id, features, threshold, search)
        if match is not None:
            return match
    return None


def _best_story_in(
    conn: Connection, article_id: str, features: StoryFeatures, threshold: float, search: Search
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
    story_counts = {name: len(ids) for name, ids in stories_naming.items()}
    rough: dict[str, float] = defaultdict(float)
    for name, ids in stories_naming.items():
        for story_id in ids:
            rough[story_id] += features.entities[name].weight * rarity(len(ids) - 1)
    shortlist = sorted(rough, key=lambda s: (-rough[s], s))[:MAX_STORY_CANDIDATES]
    match = choose_story(features, _profiles(conn, shortlist), story_counts, threshold)
    return match.story_id if match is not None else None


def _profiles(conn: Connection, story_ids: list[str]) -> list[CandidateStory]:
    """Each story's entity names summed over its articles, with its title words and keywords."""
    if not story_ids:
        return []
    named = (
        select(articles.c.story_id, entities.c.name, entities.c.type, func.sum(mentions.c.count))
        .select_from(
            articles.join(mentions, mentions.c.article_id == articles.c.article_id).join(
                entities, entities.c.entity_id == mentions.c.entity_id
            )
        )
        .where(articles.c.story_id.in_(story_ids))
        .group_by(articles.c.story_id, entities.c.name, entities.c.type)
    )
    names: dict[str, dict[str, Named]] = defaultdict(dict)
    for story_id, name, type_, count in conn.execute(named):
        key = folded_name(name)
        weight = TYPE_WEIGHTS.get(type_, DEFAULT_TYPE_WEIGHT)
        before = names[story_id].get(key, Named(0.0, 0))
        names[story_id][key] = Named(max(before.weight, weight), before.mentions + int(count))
    terms: dict[str, dict[str, list[str]]] = {
        row.story_id: row.terms or {}
        for row in conn.execute(select(stories.c.story_id, stories.c.terms).where(stories.c.story_id.in_(story_ids)))
    }
    return [
        CandidateStory(
            story_id,
            names[story_id],
            frozenset(terms.get(story_id, {}).get("title", [])),
            frozenset(terms.get(story_id, {}).get("keywords", [])),
        )
        for story_id in story_ids
    ]


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
