"""Which revision of an article the store keeps when the same article comes again.

A resubmission never replaces a richer revision with a poorer one: text a scraper extracted over a body
parsed from the page's HTML, a body shorter by more than a tenth, or fewer metadata fields. It does replace
it when it is newer by its own date (the page says it was updated, or published, later than the stored one).
A pure function of the two documents; the store calls it in its upsert path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

# Metadata a richer revision has: losing any of them makes a resubmission poorer.
METADATA_FIELDS = (
    "title",
    "authors",
    "published_at",
    "description",
    "image_url",
    "site_name",
    "canonical_url",
    "updated_at",
)
# A body shorter than this share of the stored one is poorer; a small edit is not.
SHORTER_BODY = 0.9
# A date without an offset (news-please writes "2026-03-04 09:30:00") may be off by up to 14 hours, so
# against one the newcomer must be later by more than that to count as newer.
NAIVE_DATE_SLACK = timedelta(hours=14)


@dataclass(frozen=True)
class Richness:
    parsed_from: str | None  # "html" or "text"; None for revisions stored before schema 1.3
    body_chars: int
    fields: frozenset[str]
    dated: datetime | None  # its own date: when it says it was updated, else published (UTC)
    dated_naive: bool = False  # that date had no offset


def richness(document: dict[str, Any]) -> Richness:
    dated = _date(document.get("updated_at")) or _date(document.get("published_at"))
    return Richness(
        parsed_from=document.get("parsed_from"),
        body_chars=len(document.get("body") or ""),
        fields=frozenset(f for f in METADATA_FIELDS if document.get(f) not in (None, "", [])),
        dated=dated[0] if dated else None,
        dated_naive=dated[1] if dated else False,
    )


def is_newer(new: Richness, old: Richness) -> bool:
    """Newer by its own date: later than the stored revision's date (by more than a time zone can explain
    when either date has no offset)."""
    if new.dated is None or old.dated is None:
        return False
    slack = NAIVE_DATE_SLACK if new.dated_naive or old.dated_naive else timedelta(0)
    return new.dated > old.dated + slack


def kept_reason(current: dict[str, Any], incoming: dict[str, Any]) -> str | None:
    """Why the stored revision `current` stays instead of `incoming`, or None when `incoming` replaces it."""
    old, new = richness(current), richness(incoming)
    if is_newer(new, old):
        return None
    if old.parsed_from == "html" and new.parsed_from == "text":
        return "the stored revision was parsed from the page's HTML, this one from text only"
    if new.body_chars < SHORTER_BODY * old.body_chars:
        return f"this body is shorter ({new.body_chars:,} characters against {old.body_chars:,})"
    if missing := old.fields - new.fields:
        return f"this revision lacks {', '.join(sorted(missing))}"
    return None


def _date(value: Any) -> tuple[datetime, bool] | None:
    """The date in UTC and whether it had no offset (then read as UTC)."""
    if isinstance(value, datetime):
        found = value
    elif isinstance(value, str):
        try:
            found = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return (found.astimezone(UTC), False) if found.tzinfo else (found.replace(tzinfo=UTC), True)
