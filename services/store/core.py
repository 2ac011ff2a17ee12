"""Pure mapping from an enriched article to the rows the store writes, and the event it announces."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import quote

from newsflow_schemas import ArticleStored, EnrichedArticle, Entity

from .duplicates import band_keys, word_shingles
from .stories import StoryFeatures, features, headline

Change = Literal["created", "updated", "unchanged"]

# Fields that say nothing about the article's content: a redelivery differs only in these.
_VOLATILE = {"trace_id", "times"}
# Where the query API answers when NEWSFLOW_PUBLIC_API_URL does not say: `newsflow api`'s default.
DEFAULT_API_URL = "http://127.0.0.1:8001"


@dataclass(frozen=True)
class ArticleRows:
    article: dict[str, Any]
    entities: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    # What placing the article in a story and finding its original need; see placement.py.
    shingles: frozenset[str] = frozenset()
    bands: list[int] = field(default_factory=list)
    story: StoryFeatures | None = None


def entity_id(entity: Entity) -> str:
    """Same type and same name (case-folded) is the same entity across articles."""
    return typed_name_id(entity.type, entity.name)


def typed_name_id(type_: str, name: str) -> str:
    key = f"{type_}|{' '.join(name.casefold().split())}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _without_nul(value: Any) -> Any:
    # PostgreSQL text and jsonb reject U+0000; one such row would fail the whole transaction.
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_nul(v) for k, v in value.items()}
    return value


def content_hash(document: dict[str, Any]) -> str:
    stable = {k: v for k, v in document.items() if k not in _VOLATILE}
    return hashlib.sha256(json.dumps(stable, sort_keys=True, default=str).encode()).hexdigest()


def to_rows(article: EnrichedArticle, now: datetime) -> ArticleRows:
    # The stored document says when it was stored and its language (declared, else detected), so a
    # reader of the document needs no other field for either.
    language = article.language or article.detected_language
    filled = article.stamped("store", now).model_copy(update={"language": language})
    document = _without_nul(filled.model_dump(mode="json"))
    clean = EnrichedArticle.model_validate(document)
    dateline = clean.dateline
    row = {
        "article_id": clean.article_id,
        "trace_id": clean.trace_id,
        "url": clean.url,
        "canonical_url": clean.canonical_url,
        "source": clean.source,
        "title": clean.title,
        "body": clean.body,
        "description": clean.description,
        "authors": clean.authors,
        # In UTC: SQLite keeps a datetime as text without its offset, so 12:00+03:30 must arrive as 08:30.
        "published_at": clean.published_at.astimezone(UTC) if clean.published_at else None,
        "language": clean.detected_language or clean.language,
        "site_name": clean.site_name,
        "dateline_city": dateline.city if dateline else None,
        "dateline_date": dateline.date if dateline else None,
        "agency": clean.agency,
        "agency_name": clean.agency_name,
        "reference": clean.reference,
        "license": clean.license,
        "fingerprint": clean.fingerprint,
        "word_count": clean.word_count,
        "warnings": clean.warnings,
        "document": document,
        "content_hash": content_hash(document),
        "revision": 1,
        "ingested_at": clean.times.ingested_at,
        "stored_at": now,
        "updated_at": now,
    }
    entities: dict[str, dict[str, Any]] = {}
    mention_rows: dict[str, dict[str, Any]] = {}
    for entity in clean.entities:
        eid = entity_id(entity)
        if eid in mention_rows:  # two spellings folded to one id: one row, both counted
            mention_rows[eid]["count"] += entity.mentions
            continue
        entities[eid] = {"entity_id": eid, "name": entity.name, "type": entity.type}
        mention_rows[eid] = {
            "article_id": clean.article_id,
            "entity_id": eid,
            "count": entity.mentions,
            "surface_forms": entity.surface_forms,
            "spans": [s.model_dump() for s in entity.spans],
        }
    shingles = word_shingles(clean.body)
    return ArticleRows(
        article=row,
        entities=list(entities.values()),
        mentions=list(mention_rows.values()),
        shingles=shingles,
        bands=band_keys(shingles),
        story=features(clean, now),
    )


def stored_event(
    article: EnrichedArticle,
    change: Literal["created", "updated"],
    now: datetime,
    revision: int = 1,
    story_id: str | None = None,
    duplicate_of: str | None = None,
    api_url: str = DEFAULT_API_URL,
) -> ArticleStored:
    """The event for a new or changed revision: what a subscriber needs to file or route the article
    without another request, and `href`, where the query API serves all of it."""
    stamped = article.stamped("store", now)
    return ArticleStored(
        article_id=article.article_id,
        trace_id=article.trace_id,
        times=stamped.times,
        change=change,
        revision=revision,
        url=article.canonical_url or article.url,
        canonical_url=article.canonical_url,
        source=article.source,
        title=headline(article),
        language=article.detected_language or article.language,
        published_at=article.published_at,
        word_count=article.word_count,
        entity_count=len(article.entities),
        story_id=story_id,
        duplicate_of=duplicate_of,
        href=article_href(api_url, article.article_id),
    )


def article_href(api_url: str, article_id: str) -> str:
    return f"{api_url.rstrip('/')}/v1/articles/{quote(article_id, safe='')}"
