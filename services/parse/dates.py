"""The publication date a page displays to its readers, after a label ("Veröffentlicht am", "Published",
"publié le", "Stand:"), and the choice between it, the markup's date and htmldate's search."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import lxml.html
from lxml import etree

from .lexicon import DATE_LABELS, MONTH_NAMES, UPDATE_LABELS

# The label and its date sit close together: "Veröffentlicht am Montag, 13. Mai 2026 um 15:44".
MAX_LABEL_GAP_CHARS = 40
# Only the start of the page's text is searched: the date line is near the headline, and a page's
# tail holds comment and teaser dates. Bounds the cost on huge pages too.
MAX_SEARCH_CHARS = 60_000
# A markup date within this of the displayed day is the same publication seen from another time zone.
SAME_DAY_SLACK = timedelta(days=1)

_MONTH_BY_NAME = {name: number for number, names in MONTH_NAMES.items() for name in names}
_MONTH = "|".join(sorted((re.escape(name) for name in _MONTH_BY_NAME), key=len, reverse=True))
_YEAR = r"(?P<year>(?:19|20)\d\d)"
# 13.05.2026, 13/05/2026, 05/13/2026, 2026-05-13, 13 Mai 2026, 13. Mai 2026, May 13, 2026, 13 de mayo de 2026.
_DATE = re.compile(
    rf"""(?:
        (?P<iso>(?P<iy>(?:19|20)\d\d)-(?P<im>\d\d?)-(?P<id>\d\d?))
      | (?P<num>(?P<a>\d\d?)(?P<sep>[./])(?P<b>\d\d?)(?P=sep)(?P<ny>(?:19|20)\d\d))
      | (?P<dm>(?P<dd>\d\d?)\.?\s*(?:de\s+)?(?P<dmonth>{_MONTH})\.?,?\s*(?:de\s+)?(?P<dy>(?:19|20)\d\d))
      | (?P<md>(?P<mmonth>{_MONTH})\.?\s+(?P<md_day>\d\d?)(?:st|nd|rd|th)?,?\s+{_YEAR})
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def _label_pattern(labels: tuple[str, ...]) -> str:
    return "|".join(re.escape(label) + (r"\b" if label[-1].isalnum() else "") for label in labels)


# A label opens a text node ("<span>Veröffentlicht am</span>", "- Published"): inside a sentence
# ("...has been updated and became effective May 23") the word is not a date line.
_ALL_LABELS = tuple(sorted({*DATE_LABELS, *UPDATE_LABELS, "stand:"}, key=len, reverse=True))
_LABEL = re.compile(
    rf"(?:^|\n)[^\w\n]{{0,3}}(?P<label>{_label_pattern(_ALL_LABELS)})",
    re.IGNORECASE,
)
_UPDATE = re.compile(rf"^(?:{_label_pattern((*UPDATE_LABELS, 'stand:'))})", re.IGNORECASE)


@dataclass(frozen=True)
class DisplayedDate:
    day: date
    updated: bool  # the label says it is the last change ("Aktualisiert", "Updated", "Stand:")


def displayed_date(tree: lxml.html.HtmlElement, language: str | None, latest: datetime | None) -> DisplayedDate | None:
    """The publication day the page prints after a label; an update label's day when it prints no other."""
    text = "\n".join(" ".join(line.split()) for line in _visible_text(tree)[:MAX_SEARCH_CHARS].split("\n"))
    month_first = (language or "").casefold() in {"en-us", "en"}
    found: list[DisplayedDate] = []
    for label in _LABEL.finditer(text):
        window = text[label.end() : label.end() + MAX_LABEL_GAP_CHARS + 40].replace("\n", " ")
        match = _DATE.search(window)
        if match is None or match.start() > MAX_LABEL_GAP_CHARS:
            continue
        day = _read_date(match, month_first)
        if day is None or (latest is not None and day > latest.date()):
            continue
        found.append(DisplayedDate(day, bool(_UPDATE.match(label["label"]))))
    published = [d for d in found if not d.updated]
    # An update label's day only stands in when the page prints no publication day.
    return published[0] if published else found[0] if found else None


def choose_published(
    markup: datetime | None, displayed: DisplayedDate | None, guessed: datetime | None
) -> datetime | None:
    """The markup's time when the page displays the same day (give or take a time zone), else the displayed
    publication day; without one the markup's time, else htmldate's, else a displayed update day."""
    if displayed is None or (displayed.updated and (markup or guessed)):
        return markup or guessed
    for candidate in (markup, guessed):
        if candidate is not None and _near(candidate, displayed.day):
            return candidate
    day = displayed.day
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _near(time: datetime, day: date) -> bool:
    local = time.date()
    return abs(local - day) <= SAME_DAY_SLACK


def _read_date(match: re.Match[str], month_first: bool) -> date | None:
    try:
        if match["iso"]:
            return date(int(match["iy"]), int(match["im"]), int(match["id"]))
        if match["num"]:
            first, second, year = int(match["a"]), int(match["b"]), int(match["ny"])
            # Dots are always day first; slashes month first on US English pages unless the day shows it.
            if match["sep"] == "/" and month_first and first <= 12:
                return date(year, first, second)
            return date(year, second, first)
        if match["dm"]:
            return date(int(match["dy"]), _MONTH_BY_NAME[match["dmonth"].casefold()], int(match["dd"]))
        return date(int(match["year"]), _MONTH_BY_NAME[match["mmonth"].casefold()], int(match["md_day"]))
    except (ValueError, KeyError):  # 31.02.2024, or a month spelled in an unknown case form
        return None


def _visible_text(tree: lxml.html.HtmlElement) -> str:
    """The start of the text of the page's body, without scripts (JSON-LD stays in the tree for the metadata)."""
    body = tree.find(".//body")
    parts: list[str] = []
    size = 0
    for event, element in etree.iterwalk(body if body is not None else tree, events=("start", "end")):
        piece = element.text if event == "start" else element.tail
        if event == "start" and element.tag == "script":
            piece = None
        if piece:
            parts.append(piece)
            size += len(piece)
            if size > MAX_SEARCH_CHARS:
                break
    return "\n".join(parts)
