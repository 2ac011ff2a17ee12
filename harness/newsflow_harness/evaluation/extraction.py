"""`newsflow eval extraction`: our parse core against plain trafilatura on the extraction dev set."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import trafilatura

from newsflow_schemas import ParsedArticle, RawArticle
from services.common.errors import RejectedInput
from services.parse.core import parse

from .shingles import PageScore, Summary, score_page, summarise

# The dev pages were fetched in November 2019; a dateline's year and the latest date come from it.
DEV_FETCHED_AT = datetime(2019, 11, 21, tzinfo=UTC)

Extractor = Callable[[str, str | None], str]


@dataclass(frozen=True)
class Page:
    page_id: str
    html: str
    truth: str
    url: str | None


@dataclass
class Run:
    name: str
    summary: Summary
    ms_per_page: float
    pages: dict[str, PageScore] = field(default_factory=dict)


def load_pages(corpus: Path) -> list[Page]:
    """The pages of a benchmark-style folder: ground-truth.json and html/<id>.html.gz."""
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, item in sorted(truth.items()):
        with gzip.open(corpus / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8", errors="replace") as f:
            pages.append(Page(page_id, f.read(), item.get("articleBody") or "", item.get("url")))
    return pages


def newsflow_parsed(html: str, url: str | None) -> ParsedArticle | None:
    """The page as the parse stage would publish it; None when it rejects the page."""
    raw = RawArticle(
        article_id=f"eval-{hash(html) & 0xFFFFFFFF:x}",
        trace_id="eval",
        content=html,
        content_type="html",
        url=url,
        fetched_at=DEV_FETCHED_AT,
    )
    try:
        return parse(raw)
    except RejectedInput:
        return None


def newsflow_body(html: str, url: str | None) -> str:
    parsed = newsflow_parsed(html, url)
    return parsed.body if parsed else ""


def trafilatura_body(html: str, url: str | None) -> str:
    """Plain trafilatura with its defaults, as the published benchmark figures ran it."""
    return trafilatura.extract(html, url=url) or ""


EXTRACTORS: dict[str, Extractor] = {"newsflow": newsflow_body, "trafilatura": trafilatura_body}


def evaluate(name: str, extractor: Extractor, pages: list[Page]) -> Run:
    scores: dict[str, PageScore] = {}
    elapsed = 0.0
    for page in pages:
        started = time.perf_counter()
        body = extractor(page.html, page.url)
        elapsed += time.perf_counter() - started
        scores[page.page_id] = score_page(body, page.truth)
    ms = 1000 * elapsed / len(pages) if pages else 0.0
    return Run(name, summarise(scores.values()), ms, scores)
