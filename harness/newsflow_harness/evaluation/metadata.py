"""`newsflow eval metadata`: title, authors and publication date against a hand-annotated page set."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from .extraction import Page, load_pages, newsflow_parsed

ANNOTATIONS = Path(__file__).parent / "annotations" / "extraction-dev-metadata.json"
FIELDS = ("title", "authors", "published_date")
UNKNOWN = "unknown"  # the page does not show it: not scored

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})


@dataclass
class FieldErrors:
    correct: int = 0
    wrong: list[tuple[str, object, object]] = field(default_factory=list)  # (page, expected, got)

    @property
    def accuracy(self) -> float:
        total = self.correct + len(self.wrong)
        return self.correct / total if total else 0.0


def load_annotations(path: Path = ANNOTATIONS) -> dict[str, dict[str, object]]:
    pages: dict[str, dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))["pages"]
    return pages


def same_title(expected: str | None, got: str | None) -> bool:
    return _plain(expected) == _plain(got)


def same_authors(expected: list[str], got: list[str]) -> bool:
    return {_name(a) for a in expected} == {_name(a) for a in got}


def same_date(expected: str | None, got: datetime | None) -> bool:
    """`got` falls on the day the page shows its readers, in some real time zone (UTC-12 to UTC+14).

    Pages state instants in UTC but show local days, so an exact UTC date would mark right answers wrong.
    A date-only value (midnight) must be the day itself.
    """
    if expected is None or got is None:
        return expected is None and got is None
    day = date.fromisoformat(expected)
    if got.time() == time(0) and got.utcoffset() in (None, timedelta(0)):
        return got.date() == day
    first = datetime.combine(day, time(0), timezone(timedelta(hours=14)))
    last = datetime.combine(day + timedelta(days=1), time(0), timezone(timedelta(hours=-12)))
    return first <= got.replace(tzinfo=got.tzinfo or UTC) < last


def evaluate_metadata(corpus: Path, annotations: dict[str, dict[str, object]]) -> dict[str, dict[str, FieldErrors]]:
    """Per group ("tuned": pages the rules were written on, "held-out": pages annotated after), per field."""
    pages = {page.page_id[:16]: page for page in load_pages(corpus)}
    results = {group: {name: FieldErrors() for name in FIELDS} for group in ("tuned", "held-out")}
    for key, truth in sorted(annotations.items()):
        page: Page = pages[key]
        parsed = newsflow_parsed(page.html, page.url)
        got: dict[str, object] = {
            "title": parsed.title if parsed else None,
            "authors": parsed.authors if parsed else [],
            "published_date": parsed.published_at if parsed else None,
        }
        group = results["held-out" if truth.get("held_out") else "tuned"]
        for name in FIELDS:
            if truth[name] == UNKNOWN:
                continue
            if _SAME[name](truth[name], got[name]):
                group[name].correct += 1
            else:
                group[name].wrong.append((key, truth[name], got[name]))
    return results


def _plain(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES).casefold()
    return " ".join(text.split()).strip(" .")


def _name(name: str) -> str:
    return " ".join(re.sub(r"[.\s]+", " ", unicodedata.normalize("NFKC", name).casefold()).split())


_SAME: dict[str, Callable[[Any, Any], bool]] = {
    "title": same_title,
    "authors": same_authors,
    "published_date": same_date,
}
