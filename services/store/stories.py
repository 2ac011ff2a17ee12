"""Story clustering: does a new article continue a recent story, judged by the people, organisations
and places both name (pure; the database side is in placement.py).

An article and a story are vectors over entity names: each name weighs its type (a person or an
organisation says more about which event this is than a country; a nationality says least) times
1 + ln(mentions). The entity score is their cosine, where each shared name's term is discounted by
how many other recent stories also name it: 1 / (1 + ln(1 + others)), so "United States" in fifty
stories counts a fifth of a name no other story has. Shared title words (or keywords, once enrich
gives them) add up to TEXT_WEIGHT. The article joins the best story scoring THRESHOLD or more among
stories active within WINDOW of its date; else it starts one.

An article with no date of its own (no publication date, no dated dateline) is only known to predate
its fetching: it looks for a story around its fetch time first, then up to UNDATED_LOOKBACK before.
A story made of such articles only is "undated" and a dated article may join it if its articles were
fetched after that date (up to the same year); the story then takes the dated article's date.

THRESHOLD and the weights were chosen with `newsflow eval stories` on the two seeds and the 111 dev
pages (14 pairs labelled by hand as one story, harness/newsflow_harness/evaluation/annotations): at 0.4 the seeds and
11 of the 14 pairs share a story and no two unrelated articles do; 0.35 merged two, 0.45 lost a pair.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import NamedTuple

from newsflow_schemas import EnrichedArticle

THRESHOLD = 0.4
TEXT_WEIGHT = 0.3
WINDOW = timedelta(days=4)
UNDATED_LOOKBACK = timedelta(days=365)
KEYWORDS = 10  # an article's top keywords that count
MAX_TERMS = 60  # title words and keywords kept per story
TYPE_WEIGHTS: Mapping[str, float] = {
    "PERSON": 1.0,
    "ORG": 1.0,
    "EVENT": 1.0,
    "FAC": 0.7,
    "PRODUCT": 0.7,
    "LAW": 0.7,
    "WORK_OF_ART": 0.7,
    "GPE": 0.4,
    "LOC": 0.4,
    "NORP": 0.2,
    # "Tuesday", "$5 million": shared by unrelated articles, they say nothing of the event.
    "DATE": 0.0,
    "MONEY": 0.0,
}
DEFAULT_TYPE_WEIGHT = 0.5

_TITLE_WORD = re.compile(r"\w+")
# Title words that say nothing about the event.
_STOP_WORDS = """
the and for with from that this are was were will has have had not but you your our its his her their they
she him who what why how when where which after over into about more most new says said say than then
just all can could would should may might one two out off here there
"""
_STOP = frozenset(_STOP_WORDS.split())


class Named(NamedTuple):
    """One entity name in an article or a story: the weight of its type and how often it is named."""

    weight: float
    mentions: int


@dataclass(frozen=True)
class StoryFeatures:
    """What clustering looks at in one article."""

    entities: Mapping[str, Named]  # name key -> Named
    title_words: frozenset[str]
    keywords: frozenset[str]
    time: datetime  # UTC: published, else the dateline's day, else fetched
    dated: bool  # the time is the article's own date, not when it was fetched
    headline: str | None


@dataclass(frozen=True)
class CandidateStory:
    """A recent story, summed over its articles."""

    story_id: str
    entities: Mapping[str, Named]
    title_words: frozenset[str] = frozenset()
    keywords: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Match:
    story_id: str
    score: float
    entity_score: float
    text_score: float
    shared: list[str] = field(default_factory=list)  # name keys both name, strongest first


def folded_name(name: str) -> str:
    """How the store compares entity names (the same folding as entity ids)."""
    return " ".join(name.casefold().split())


def story_id_for(article_id: str) -> str:
    """A story is named after the article that started it, so a retried start names it the same."""
    return hashlib.sha256(f"story|{article_id}".encode()).hexdigest()[:32]


def article_time(article: EnrichedArticle, stored_at: datetime) -> tuple[datetime, bool]:
    """When the article happened for its story, and whether that is its own date (published, else the
    dateline's day) or only when it was fetched (else ingested, else stored)."""
    if article.published_at is not None:
        return as_utc(article.published_at), True
    if article.dateline is not None and article.dateline.date is not None:
        return datetime.combine(article.dateline.date, time(12), tzinfo=UTC), True
    return as_utc(article.fetched_at or article.times.ingested_at or stored_at), False


def as_utc(moment: datetime) -> datetime:
    """Aware UTC; a naive value (SQLite hands them back so) is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class Search:
    """Which stories are candidates: dated ones active between dated_from and dated_to, and undated
    ones whose articles were fetched between undated_from and undated_to."""

    dated_from: datetime
    dated_to: datetime
    undated_from: datetime
    undated_to: datetime


@dataclass(frozen=True)
class Span:
    """A story's time: from its first to its last article's, and whether any article had its own date."""

    first_seen: datetime
    last_seen: datetime
    dated: bool


def searches(article: StoryFeatures) -> list[Search]:
    """Where to look for the article's story, in order; the first search with a match decides."""
    t = article.time
    if article.dated:
        # An undated story's articles were fetched after they happened: after t, if they are of t.
        return [Search(t - WINDOW, t + WINDOW, t - WINDOW, t + UNDATED_LOOKBACK)]
    near = Search(t - WINDOW, t + WINDOW, t - WINDOW, t + WINDOW)
    earlier = Search(t - UNDATED_LOOKBACK, t + WINDOW, t - UNDATED_LOOKBACK, t + WINDOW)
    return [near, earlier]


def started_span(article: StoryFeatures) -> Span:
    return Span(article.time, article.time, article.dated)


def joined_span(span: Span, article: StoryFeatures) -> Span:
    """The story's time once the article is in it: an undated article leaves a dated story's alone,
    and the first dated article replaces the fetch times of an undated one."""
    if span.dated and not article.dated:
        return span
    if article.dated and not span.dated:
        return started_span(article)
    return Span(min(span.first_seen, article.time), max(span.last_seen, article.time), span.dated)


def features(article: EnrichedArticle, stored_at: datetime) -> StoryFeatures:
    entities: dict[str, Named] = {}
    for entity in article.entities:
        key = folded_name(entity.name)
        weight = TYPE_WEIGHTS.get(entity.type, DEFAULT_TYPE_WEIGHT)
        if weight == 0.0:
            continue
        before = entities.get(key, Named(0.0, 0))
        # The small NER model labels one name PERSON here and ORG there: a name is one thing.
        entities[key] = Named(max(before.weight, weight), before.mentions + entity.mentions)
    top = sorted(article.keywords, key=lambda k: -k.score)[:KEYWORDS]
    moment, dated = article_time(article, stored_at)
    return StoryFeatures(
        entities=entities,
        title_words=title_words(article.title),
        keywords=frozenset(folded_name(k.text) for k in top),
        time=moment,
        dated=dated,
        headline=headline(article),
    )


def title_words(title: str | None) -> frozenset[str]:
    words = _TITLE_WORD.findall((title or "").casefold())
    return frozenset(w for w in words if len(w) > 2 and not w.isdigit() and w not in _STOP)


def headline(article: EnrichedArticle) -> str | None:
    """The title, or for a wire without one the start of its first sentence."""
    if article.title:
        return article.title
    first = article.body.strip().split("\n", 1)[0]
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    return (sentence[:117] + "...") if len(sentence) > 120 else sentence or None


def similarity(article: StoryFeatures, story: CandidateStory, story_counts: Mapping[str, int]) -> Match:
    """How well the article fits the story (0..1 + TEXT_WEIGHT).

    `story_counts` gives, per name key, how many stories in the window name it, this one included.
    """
    a = {k: n.weight * _salience(n.mentions) for k, n in article.entities.items()}
    s = {k: n.weight * _salience(n.mentions) for k, n in story.entities.items()}
    terms = {k: a[k] * s[k] * rarity(story_counts.get(k, 1) - 1) for k in a.keys() & s.keys()}
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in s.values()))
    entity_score = sum(terms.values()) / norm if norm else 0.0
    text_score = max(_jaccard(article.title_words, story.title_words), _jaccard(article.keywords, story.keywords))
    return Match(
        story.story_id,
        entity_score + TEXT_WEIGHT * text_score,
        entity_score,
        text_score,
        sorted(terms, key=lambda k: -terms[k]),
    )


def choose_story(
    article: StoryFeatures,
    candidates: Iterable[CandidateStory],
    story_counts: Mapping[str, int],
    threshold: float = THRESHOLD,
) -> Match | None:
    """The candidate story the article continues, or None: it starts a story of its own."""
    matches = [similarity(article, story, story_counts) for story in candidates]
    best = max(matches, key=lambda m: (m.score, m.story_id), default=None)
    return best if best is not None and best.score >= threshold else None


def merged_terms(old: Iterable[str], new: Iterable[str]) -> list[str]:
    """A story's title words or keywords after one more article: the earlier ones first, capped."""
    return list(dict.fromkeys([*old, *sorted(new)]))[:MAX_TERMS]


def _salience(mentions: int) -> float:
    return 1.0 + math.log(max(mentions, 1))


def rarity(other_stories: int) -> float:
    """What a shared name counts for when `other_stories` other recent stories name it too."""
    return 1.0 / (1.0 + math.log(1 + max(other_stories, 0)))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
