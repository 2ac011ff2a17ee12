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


# What a subscriber sees on stories.merged (also the JSON Schema's and the AsyncAPI document's example).
MERGED_EXAMPLE: dict[str, Any] = {
    "schema_version": SCHEMA_VERSION,
    "merge_id": "0b6f3c2d9e8a4f1b7c5d3e2f1a0b9c8d",
    "story_id": "9a1c3e5f7b2d4f6a8c0e1b3d5f7a9c2e",
    "into_story_id": "6ee64456a1c04b2f9d0e3b7c5a8f1d20",
    "article_ids": ["5c0f3e1a9b7d2c4e6f8a0b1c3d5e7f90", "e2a4c6e8f0b1d3f5a7c9e1b3d5f7a9c1"],
    "merged_at": "2024-09-08T06:10:00Z",
    "score": 0.71,
    "shared": ["lindsay lohan", "betty ford center", "rehab"],
    "reason": "same event: score 0.71 >= 0.5; nothing tells them apart",
}


class StoryMerged(BaseModel):
    """On `stories.merged` (1.5) after the store's merge pass found two stories to be one event and
    moved every article of `story_id` into `into_story_id`: those articles' ArticleStored events named
    `story_id`, so a subscriber that files articles by story re-files `article_ids` under the survivor.

    Sent once per merge (`merge_id`); `story_id` is never used again (the query API answers it with
    where it went). A chain (a into b, b into c) arrives as merges into the final survivor.
    """

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [MERGED_EXAMPLE]})

    schema_version: str = SCHEMA_VERSION
    merge_id: str = Field(description="Unique per merge: handle each merge_id once (delivery is at least once).")
    story_id: str = Field(description="The story merged away: it holds no article any more.")
    into_story_id: str = Field(description="The surviving story, which now holds the articles below.")
    article_ids: list[str] = Field(description="The articles that moved from story_id to into_story_id.")
    merged_at: datetime
    score: float = Field(ge=0, description="How alike the two stories were (the merge pass's similarity).")
    shared: list[str] = Field(default_factory=list, description="Names and words both stories share, strongest first.")
    reason: str = Field(default="", description="Why the pass judged them one event, for people.")


class DeadLetter(BaseModel):
    """On `articles.dlq`: an input a stage could not turn into output, with the reason."""

    schema_version: str = SCHEMA_VERSION
    stage: str
    reason: str
    article_id: str | None = None
    trace_id: str | None = None
    failed_at: datetime
    payload: str = Field(description="The original message body as received, for replay.")
