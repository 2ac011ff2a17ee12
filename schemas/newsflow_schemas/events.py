"""Small events for subscribers and operators."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .base import SCHEMA_VERSION, Envelope

# What a subscriber sees on articles.stored (also the JSON Schema's and the AsyncAPI document's example).
STORED_EXAMPLE: dict[str, Any] = {
    "schema_version": SCHEMA_VERSION,
    "article_id": "d0843fe57128311e3098486599d65f18",
    "trace_id": "6f1c2a0e9b6d4f3c8a51f0e2d7b4c915",
    "times": {
        "ingested_at": "2024-09-08T06:00:01.120000Z",
        "parsed_at": "2024-09-08T06:00:01.210000Z",
        "enriched_at": "2024-09-08T06:00:01.480000Z",
        "stored_at": "2024-09-08T06:00:01.530000Z",
    },
    "change": "created",
    "revision": 1,
    "url": "https://en.mehrnews.com/news/220413/",
    "canonical_url": "https://en.mehrnews.com/news/220413/",
    "source": "mehrnews",
    "title": "Iran's top human rights chief has blasted the Western countries for \u201cgranting immunity\u201d...",
    "language": "en",
    "published_at": "2024-09-07T00:00:00Z",
    "word_count": 687,
    "entity_count": 31,
    "story_id": "6ee64456a1c04b2f9d0e3b7c5a8f1d20",
    "duplicate_of": None,
    "href": "http://127.0.0.1:8001/v1/articles/d0843fe57128311e3098486599d65f18",
}


class ArticleStored(Envelope):
    """On `articles.stored` after the store committed a new or changed article: enough to file, route
    or alert on it without another request, and `href` to fetch the whole article from the query API."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [STORED_EXAMPLE]})

    change: Literal["created", "updated"]
    revision: int = Field(default=1, ge=1, description="Counts the article's stored versions; one event each.")
    url: str | None = Field(default=None, description="The canonical URL when there is one, else the scraper's.")
    canonical_url: str | None = Field(default=None, description="The URL the page declares as canonical (1.4).")
    source: str | None = Field(default=None, description="Who sent it: the scraper, feed or agency's source (1.4).")
    title: str | None = Field(
        default=None, description="The title; for an article without one (a wire) its first sentence (1.4)."
    )
    language: str | None = Field(default=None, description="ISO 639-1: detected from the body, else declared.")
    published_at: datetime | None = None
    word_count: int | None = Field(default=None, ge=0, description="Words in the body (1.4).")
    entity_count: int = 0
    story_id: str | None = Field(default=None, description="The story the store placed the article in.")
    duplicate_of: str | None = Field(
        default=None, description="An earlier stored article this one nearly duplicates, if any."
    )
    href: str | None = Field(default=None, description="The article in the query API (GET it with an API key) (1.4).")


class DeadLetter(BaseModel):
    """On `articles.dlq`: an input a stage could not turn into output, with the reason."""

    schema_version: str = SCHEMA_VERSION
    stage: str
    reason: str
    article_id: str | None = None
    trace_id: str | None = None
    failed_at: datetime
    payload: str = Field(description="The original message body as received, for replay.")
