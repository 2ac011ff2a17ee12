"""The development sets as one kind of page: html, the URL, when it was fetched, and what is known to be true.

Each set has its own conventions (see fields.py); a value is None where the set does not know it, and is
then not scored.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html

from .extraction import DEV_FETCHED_AT
from .metadata import ANNOTATIONS, UNKNOWN

SETS = ("extraction-dev", "fundus-dev", "readability-dev")

_CANONICAL = re.compile(r"""<link[^>]+rel=["']canonical["'][^>]+href=["']([^"']+)["']""", re.IGNORECASE)
_OG_URL = re.compile(r"""<meta[^>]+property=["']og:url["'][^>]+content=["']([^"']+)["']""", re.IGNORECASE)
# Elements after which the expected Readability content starts a new line.
_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "td", "th", "pre", "blockquote",
           "section", "article", "figcaption", "dt", "dd", "ul", "ol", "table"}  # fmt: skip


@dataclass(frozen=True)
class DevPage:
    name: str
    html: str
    url: str | None
    fetched_at: datetime | None
    body: str | None = None
    title: str | None = None
    authors: list[str] | None = None  # a list of names (Fundus, our annotations)
    byline: str | None = None  # the visible byline string (Readability)
    date: str | None = None  # ISO date or time; with an offset where the set gives one
    site: str | None = None  # the publisher or site name the set gives
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def host(self) -> str | None:
        host = urlsplit(self.url).hostname if self.url else None
        return host.removeprefix("www.") if host else None


def load_set(name: str, corpus: Path) -> list[DevPage]:
    """The pages of the set `name` in the corpus folder (the folder holding all sets)."""
    loaders = {"extraction-dev": _extraction, "fundus-dev": _fundus, "readability-dev": _readability}
    if name not in loaders:
        raise ValueError(f"unknown set {name!r}: one of {', '.join(SETS)}")
    return loaders[name](corpus / name)


def _read(path: Path) -> str:
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        return f.read()


def _extraction(folder: Path) -> list[DevPage]:
    """The Zyte benchmark's pages: bodies for all, title/authors/date from our hand annotations."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    annotated = json.loads(ANNOTATIONS.read_text(encoding="utf-8"))["pages"]
    pages = []
    for page_id, item in sorted(truth.items()):
        notes = annotated.get(page_id[:16], {})

        def known(key: str, notes: dict[str, object] = notes) -> object:
            value = notes.get(key)
            return None if value == UNKNOWN else value

        authors = known("authors")
        pages.append(
            DevPage(
                name=page_id[:16],
                html=_read(folder / "html" / f"{page_id}.html.gz"),
                url=item.get("url"),
                fetched_at=DEV_FETCHED_AT,
                body=item.get("articleBody") or "",
                title=known("title"),  # type: ignore[arg-type]
                authors=list(authors) if isinstance(authors, list) else None,
                date=known("published_date"),  # type: ignore[arg-type]
                extra={"held_out": bool(notes.get("held_out"))} if notes else {},
            )
        )
    return pages


def _fundus(folder: Path) -> list[DevPage]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for file_name, item in sorted(truth.items()):
        crawled = item.get("crawl_date")
        pages.append(
            DevPage(
                name=file_name.removesuffix(".html.gz"),
                html=_read(folder / "html" / file_name),
                url=item.get("url"),
                fetched_at=_utc(crawled),
                body=item.get("body"),
                title=item.get("title"),
                authors=list(item["authors"]) if item.get("authors") is not None else None,
                date=item.get("publishing_date"),
                site=item.get("publisher"),
                extra={"publisher": item.get("publisher"), "country": item.get("country")},
            )
        )
    return pages


def _readability(folder: Path) -> list[DevPage]:
    """Mozilla Readability's test pages; no URL or fetch time is given, so the page's canonical URL is used."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for file_name, item in sorted(truth.items()):
        html = _read(folder / "html" / file_name)
        expected = folder / "expected" / file_name
        pages.append(
            DevPage(
                name=file_name.removesuffix(".html.gz"),
                html=html,
                url=_declared_url(html),
                fetched_at=None,
                body=expected_text(_read(expected)) if expected.exists() else None,
                title=item.get("title") or None,
                byline=item.get("byline") or None,
                date=item.get("publishedTime") or None,
                site=item.get("siteName") or None,
                extra={"lang": item.get("lang"), "readerable": item.get("readerable")},
            )
        )
    return pages


def expected_text(html: str) -> str:
    """The text of Readability's expected content, one line per block."""
    if not html.strip():
        return ""
    root = lxml.html.fromstring(html)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    return "\n".join(line.strip() for line in root.text_content().splitlines() if line.strip())


def _utc(value: str | None) -> datetime | None:
    """Fundus' crawl dates have no offset: taken as UTC (a day's slack is added to them anyway)."""
    if not value:
        return None
    time = datetime.fromisoformat(value)
    return time if time.tzinfo else time.replace(tzinfo=UTC)


def _declared_url(html: str) -> str | None:
    head = html[:200_000]
    for pattern in (_CANONICAL, _OG_URL):
        if (found := pattern.search(head)) and found[1].startswith(("http://", "https://")):
            return found[1]
    return None
