"""The ingest HTTP API's request and response bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from .base import UtcDatetime

MAX_AUTHOR_CHARS = 512  # a name, not a document: 100 of 40 KB each made a 4 MB article


class ArticleSubmission(BaseModel):
    """One article from a scraper: either `html` or `text`, plus optional metadata.

    Extra keys (as popular scrapers emit) are ignored.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)

    html: str | None = Field(default=None, description="The raw page HTML.")
    text: str | None = Field(default=None, description="Plain text, e.g. an agency wire.")
    url: str | None = Field(default=None, max_length=4096)
    source: str | None = Field(default=None, max_length=512)
    fetched_at: UtcDatetime | None = None
    title: str | None = Field(default=None, max_length=2048)
    authors: list[Annotated[str, Field(max_length=MAX_AUTHOR_CHARS)]] = Field(default_factory=list, max_length=100)
    published_at: UtcDatetime | None = None
    language: str | None = Field(default=None, max_length=35)
    description: str | None = Field(default=None, max_length=10_000, description="The scraper's summary or lede.")
    image_url: str | None = Field(default=None, max_length=4096, description="The lead image the scraper found.")


class RejectedLine(BaseModel):
    """One line of a JSON Lines batch that was refused; the other lines went on."""

    line: int = Field(description="1-based line number in the request body.")
    reason: str


class AcceptedArticle(BaseModel):
    article_id: str
    trace_id: str


class Accepted(BaseModel):
    """202 response: the ids the articles will be stored under."""

    accepted: list[AcceptedArticle]
    rejected: list[RejectedLine] = Field(
        default_factory=list, description="JSON Lines batches only: the lines refused, each with why."
    )
