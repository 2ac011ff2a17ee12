"""The article as it moves through the stages: raw -> parsed -> enriched."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from .base import Envelope

ContentType = Literal["html", "text"]


class RawArticle(Envelope):
    """What ingest accepted from a scraper, on `articles.raw`."""

    content: str = Field(description="The page HTML or the plain text, decoded to Unicode.")
    content_type: ContentType
    url: str | None = None
    source: str | None = Field(default=None, description="Who sent it: a scraper, a feed, a file path.")
    fetched_at: datetime | None = Field(default=None, description="When the scraper fetched it, if known.")
    title: str | None = Field(default=None, description="A title the scraper already had, if any.")
    authors: list[str] = Field(default_factory=list)
    published_at: datetime | None = None
    language: str | None = None


class Dateline(BaseModel):
    """The opening of an agency wire: "TEHRAN, Sep. 07 (MNA) -"."""

    city: str | None = None
    date: dt.date | None = None


class ParsedArticle(Envelope):
    """Clean text and metadata, on `articles.parsed`."""

    url: str | None = None
    canonical_url: str | None = None
    source: str | None = None
    fetched_at: datetime | None = None
    title: str | None = None
    body: str
    description: str | None = None
    authors: list[str] = Field(default_factory=list)
    published_at: datetime | None = None
    updated_at: datetime | None = Field(default=None, description="When the page says it last changed.")
    image_url: str | None = Field(default=None, description="The lead image the page declares.")
    language: str | None = Field(default=None, description="Declared by the page or scraper (BCP 47).")
    site_name: str | None = None
    dateline: Dateline | None = None
    agency: str | None = Field(default=None, description="Agency code, e.g. MNA, AP, AFP.")
    agency_name: str | None = Field(default=None, description="Agency full name, e.g. Mehr News Agency.")
    reference: str | None = Field(default=None, description="Agency reference code, e.g. SKH/5880836.")
    license: str | None = Field(default=None, description="Licence footer, removed from the body.")
    warnings: list[str] = Field(default_factory=list, description="What the parser could not do cleanly.")


EntityType = Literal["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART", "OTHER"]


class Mention(BaseModel):
    """Where an entity occurs in the body: character offsets [start, end)."""

    start: int
    end: int
    text: str


class Entity(BaseModel):
    """One named thing in the article, once, with every way the text names it."""

    name: str = Field(description="Canonical name: the longest surface form seen.")
    type: EntityType
    mentions: int = Field(description="How many times the article names it.")
    surface_forms: list[str] = Field(default_factory=list)
    spans: list[Mention] = Field(default_factory=list)


class EnrichedArticle(ParsedArticle):
    """The parsed article plus what enrichment found, on `articles.enriched`."""

    detected_language: str | None = Field(default=None, description="ISO 639-1 code found from the body.")
    language_confidence: float | None = None
    entities: list[Entity] = Field(default_factory=list)
    ner_model: str | None = Field(default=None, description="The NER model used; None when NER did not run.")
    fingerprint: str = Field(description="64-bit SimHash of the body (hex): near-duplicates differ in few bits.")
    word_count: int = 0
