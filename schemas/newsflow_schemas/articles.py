"""The article as it moves through the stages: raw -> parsed -> enriched."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from .base import Envelope, UtcDatetime

ContentType = Literal["html", "text"]


class RawArticle(Envelope):
    """What ingest accepted from a scraper, on `articles.raw`."""

    content: str = Field(description="The page HTML or the plain text, decoded to Unicode.")
    content_type: ContentType
    url: str | None = None
    source: str | None = Field(default=None, description="Who sent it: a scraper, a feed, a file path.")
    fetched_at: UtcDatetime | None = Field(default=None, description="When the scraper fetched it, if known.")
    title: str | None = Field(default=None, description="A title the scraper already had, if any.")
    authors: list[str] = Field(default_factory=list)
    published_at: UtcDatetime | None = None
    language: str | None = None
    description: str | None = Field(default=None, description="A summary the scraper or feed already had.")
    image_url: str | None = Field(default=None, description="A lead image the scraper already had.")


class Dateline(BaseModel):
    """The opening of an agency wire: "TEHRAN, Sep. 07 (MNA) -"."""

    city: str | None = None
    date: dt.date | None = None


class ParsedArticle(Envelope):
    """Clean text and metadata, on `articles.parsed`."""

    url: str | None = None
    canonical_url: str | None = None
    source: str | None = None
    fetched_at: UtcDatetime | None = None
    title: str | None = None
    body: str
    description: str | None = None
    authors: list[str] = Field(default_factory=list)
    published_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = Field(default=None, description="When the page says it last changed.")
    image_url: str | None = Field(default=None, description="The lead image the page declares.")
    language: str | None = Field(default=None, description="Declared by the page or scraper (BCP 47).")
    site_name: str | None = None
    dateline: Dateline | None = None
    agency: str | None = Field(default=None, description="Agency code, e.g. MNA, AP, AFP.")
    agency_name: str | None = Field(default=None, description="Agency full name, e.g. Mehr News Agency.")
    reference: str | None = Field(default=None, description="Agency reference code, e.g. SKH/5880836.")
    license: str | None = Field(default=None, description="Licence footer, removed from the body.")
    warnings: list[str] = Field(default_factory=list, description="What the parser could not do cleanly.")
    parsed_from: ContentType | None = Field(
        default=None, description="What the body was read from: a page's HTML, or text a scraper extracted."
    )


EntityType = Literal[
    "PERSON",
    "ORG",
    "GPE",
    "LOC",
    "NORP",
    "FAC",
    "EVENT",
    "PRODUCT",
    "LAW",
    "WORK_OF_ART",
    "DATE",
    "MONEY",
    "OTHER",
]


class Mention(BaseModel):
    """Where an entity occurs in the body: character offsets [start, end)."""

    start: int
    end: int
    text: str


class Role(BaseModel):
    """A title or affiliation the text gives a person: "secretary of Iran's High Council for Human Rights"."""

    title: str = Field(description='The office, lower-cased: "secretary", "national security advisor".')
    organization: str | None = Field(default=None, description="Whose office it is, as written.")
    former: bool = Field(default=False, description='The text says "former" or "ex-".')
    text: str = Field(description="The phrase the role was read from.")


class Entity(BaseModel):
    """One named thing in the article, once, with every way the text names it."""

    name: str = Field(description="Canonical name: the longest surface form seen.")
    type: EntityType
    mentions: int = Field(description="How many times the article names it.")
    surface_forms: list[str] = Field(default_factory=list)
    spans: list[Mention] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list, description="PERSON only: titles and affiliations.")
    country: str | None = Field(default=None, description="Places: ISO 3166-1 alpha-2 code, when known.")


class Quote(BaseModel):
    """Something a speaker said: in quotation marks (direct) or reported ("he said that ...", indirect)."""

    text: str = Field(description="The words said; for a direct quote, without the quotation marks.")
    kind: Literal["direct", "indirect"]
    speaker: str | None = Field(default=None, description="The speaker's canonical entity name, when resolved.")
    speaker_text: str | None = Field(default=None, description='The words naming the speaker: "he", "the letter".')
    cue: str | None = Field(default=None, description='The reporting verb: "said", "read", "added".')
    start: int = Field(description="Offset of the quote in the body.")
    end: int


class Figure(BaseModel):
    """A number and what it counts: "approximately 12,000 out of almost 17,000 Iranians"."""

    text: str = Field(description="The number as written, with its qualifier.")
    value: float | None = Field(default=None, description="The number itself, when it can be read.")
    kind: Literal["count", "money", "percent", "quantity"] = "count"
    unit: str | None = Field(default=None, description='What it counts or measures: "Iranians", "USD", "km".')
    qualifier: str | None = Field(default=None, description='"approximately", "more than", "almost" ...')
    start: int
    end: int


class Keyword(BaseModel):
    """A key phrase of the article, with its weight (higher is more central)."""

    text: str
    score: float


class Topic(BaseModel):
    """A topic label from newsflow's fixed set, with its score and the words that support it."""

    label: str
    score: float
    evidence: list[str] = Field(default_factory=list)


class Tone(BaseModel):
    """Lexicon tone in the GDELT style: percentages of the article's words."""

    score: float = Field(description="positive - negative, in percent of words (-100..100).")
    positive: float = Field(description="Percent of words in the positive lexicon.")
    negative: float = Field(description="Percent of words in the negative lexicon.")
    polarity: float = Field(description="positive + negative: how emotive the text is.")
    words: int = Field(description="Words the percentages are of.")


class EnrichedArticle(ParsedArticle):
    """The parsed article plus what enrichment found, on `articles.enriched`."""

    detected_language: str | None = Field(default=None, description="ISO 639-1 code found from the body.")
    language_confidence: float | None = None
    entities: list[Entity] = Field(default_factory=list)
    ner_model: str | None = Field(default=None, description="The NER model used; None when NER did not run.")
    fingerprint: str = Field(description="64-bit SimHash of the body (hex): near-duplicates differ in few bits.")
    word_count: int = 0
    quotes: list[Quote] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    keywords: list[Keyword] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2 codes of places named.")
    main_country: str | None = Field(default=None, description="The country the article is mostly about.")
    tone: Tone | None = None
