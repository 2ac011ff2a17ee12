"""What a parser found in one article, before the scraper's own metadata fills the gaps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from newsflow_schemas import Dateline


@dataclass
class ArticleParts:
    """The body and metadata one parser found; None or empty where it found nothing."""

    body: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    updated_at: datetime | None = None
    description: str | None = None
    canonical_url: str | None = None
    image_url: str | None = None
    site_name: str | None = None
    language: str | None = None
    dateline: Dateline | None = None
    agency: str | None = None
    agency_name: str | None = None
    reference: str | None = None
    license: str | None = None
    warnings: list[str] = field(default_factory=list)
