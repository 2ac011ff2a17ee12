"""Small events for subscribers and operators."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from .base import SCHEMA_VERSION, Envelope


class ArticleStored(Envelope):
    """On `articles.stored` after the store committed a new or changed article."""

    change: Literal["created", "updated"]
    revision: int = Field(default=1, ge=1, description="Counts the article's stored versions; one event each.")
    url: str | None = None
    title: str | None = None
    language: str | None = None
    published_at: datetime | None = None
    entity_count: int = 0
    story_id: str | None = Field(default=None, description="The story the store placed the article in.")
    duplicate_of: str | None = Field(
        default=None, description="An earlier stored article this one nearly duplicates, if any."
    )


class DeadLetter(BaseModel):
    """On `articles.dlq`: an input a stage could not turn into output, with the reason."""

    schema_version: str = SCHEMA_VERSION
    stage: str
    reason: str
    article_id: str | None = None
    trace_id: str | None = None
    failed_at: datetime
    payload: str = Field(description="The original message body as received, for replay.")
