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
# Newer by its own date: both revisions say when they were updated (with an offset) and the newcomer's is
# later. Otherwise the dates are publication dates, read with more or less precision by different tools
# (a date alone, a time without its offset: news-please writes the page's 09:30+01:00 as "09:30:00"), so
# the newcomer must be later by more than that imprecision: a day.
IMPRECISE_DATE_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class Richness:
    parsed_from: str | None  # "html" or "text"; None for revisions stored before schema 1.3
    body_chars: int
    fields: frozenset[str]
    dated: datetime | None  # its own date: when it says it was updated, else published (UTC)
    precise: bool = False  # that date is an update time with an offset


def richness(document: dict[str, Any]) -> Richness:
    updated = _date(document.get("updated_at"))
    dated = updated or _date(document.get("published_at"))
    return Richness(
        parsed_from=document.get("parsed_from"),
        body_chars=len(document.get("body") or ""),
        fields=frozenset(f for f in METADATA_FIELDS if document.get(f) not in (None, "", [])),
        dated=dated[0] if dated else None,
        precise=updated is not None and not updated[1],
    )


def is_newer(new: Richness, old: Richness) -> bool:
    """Newer by its own date (IMPRECISE_DATE_SLACK says when the dates are only publication dates)."""
    if new.dated is None or old.dated is None:
        return False
    slack = timedelta(0) if new.precise and old.precise else IMPRECISE_DATE_SLACK
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
