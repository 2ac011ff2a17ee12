"""Agency wire text: split the dateline, licence footer and reference code from the story."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from newsflow_schemas import Dateline

from .agency import agency_code, agency_name, find_agency
from .parts import ArticleParts
from .text import tidy_text

# The dateline sits in the first line, licence and reference in the last ones: the patterns only read
# these slices, so their cost does not grow with the text.
HEAD_CHARS = 200
TAIL_CHARS = 1_000
# A dateline may be a day ahead of the fetch time in UTC (Tehran is UTC+3:30, Beijing UTC+8).
DATELINE_SLACK = timedelta(days=1)
# A dateline has no year; a leap day may have to look this many years back.
MAX_YEARS_BACK = 4
# A plain-text title is one short line; longer openings are the story itself.
MAX_TITLE_CHARS = 200

_MONTH_NAMES = (
    ("jan", "january"),
    ("feb", "february"),
    ("mar", "march"),
    ("apr", "april"),
    ("may",),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep", "sept", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}

# "TEHRAN, Sep. 07 (MNA) –", "WASHINGTON (Reuters) -", "SAN JUAN, Puerto Rico (AP) —", "TEHRAN- ".
# Every repeat is bounded and the parts are told apart by fixed separators, so it cannot backtrack
# badly, and it only ever sees HEAD_CHARS characters.
_DATELINE = re.compile(
    r"(?P<city>[A-Z][A-Za-z.'’]{1,24}(?:[ -][A-Z][A-Za-z.'’]{0,24}){0,3})?"
    r"(?:,[ ]{0,3}(?:"
    r"(?P<month>[A-Za-z]{3,9})\.?[ ]{1,3}(?P<day>\d{1,2})(?:,?[ ]{1,3}(?P<year>(?:19|20)\d\d))?"
    r"|[A-Z][A-Za-z.]{1,15}(?: [A-Z][A-Za-z.]{1,15})?"  # a state or country: "N.C.", "Puerto Rico"
    r"))?"
    r"[ ]{0,3}(?:\((?P<agency>[A-Za-z][A-Za-z .&-]{0,30})\))?"
    r"[ ]{0,3}(?:--|[-–—])(?P<space>\s?)"
)
# Mehr News closes a story with the editor's initials and the story number: "SKH/5880836".
_REFERENCE = re.compile(r"(?:^|\s)(?P<reference>[A-Z]{2,6}(?:/[A-Z0-9]{1,8})?/\d{4,10})\s*\Z")
# A closing sentence that grants a licence or reserves the rights: "All Content by Mehr News Agency is
# licensed under a Creative Commons Attribution 4.0 International License."
_LICENCE = re.compile(
    r"(?:^|(?<=\n)|(?<=[.!?\"”’] ))"
    r"(?:All (?:content|rights)|This (?:article|story|work|content) is licensed|Copyright|©)"
    r"[^\n]{0,300}?"
    r"(?:licen[sc]ed under[^\n]{0,200}?(?:Creative Commons|CC[ -]BY|Licen[sc]e)[^\n]{0,100}?|rights reserved)"
    r"\.?\s*\Z",
    re.IGNORECASE,
)
# A closing line such as "© 2024 Reuters" or "Copyright 2024 The Associated Press".
_COPYRIGHT_LINE = re.compile(r"(?:^|\n)(?:©|\(c\) |Copyright (?:©|\(c\)|\d{4}))[^\n]{0,150}\Z", re.IGNORECASE)


def parse_wire(text: str, reference_time: datetime | None) -> ArticleParts:
    """Split a plain-text wire story; `reference_time` (the fetch time) supplies the dateline's year."""
    parts = ArticleParts(body="")
    rest = _strip_footer(tidy_text(text), parts)
    rest = _strip_dateline(rest, parts, reference_time)
    if parts.dateline is None and parts.agency is None:
        parts.title, rest = _split_title(rest)
        rest = _strip_dateline(rest, parts, reference_time)
    if parts.agency is None and parts.license:
        parts.agency = find_agency(parts.license)
    if parts.agency:
        parts.agency_name = agency_name(parts.agency)
    parts.body = tidy_text(rest)
    return parts


def dateline_date(month: int, day: int, reference_time: datetime) -> date | None:
    """The date of a yearless dateline: the latest such date not after the reference time (plus slack)."""
    latest = reference_time.date() + DATELINE_SLACK
    for year in range(latest.year, latest.year - MAX_YEARS_BACK - 1, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:  # Feb 29 outside a leap year, or no such day at all
            continue
        if candidate <= latest:
            return candidate
    return None


def _strip_footer(text: str, parts: ArticleParts) -> str:
    """The text without the reference code and licence at its end (in either order)."""
    for _ in range(2):
        head, tail = text[:-TAIL_CHARS], text[-TAIL_CHARS:]
        if parts.reference is None and (found := _REFERENCE.search(tail)):
            parts.reference = found["reference"]
            tail = tail[: found.start()].rstrip()
        if parts.license is None and (found := _LICENCE.search(tail) or _COPYRIGHT_LINE.search(tail)):
            parts.license = found[0].strip()
            tail = tail[: found.start()].rstrip()
        text = head + tail
    return text


def _strip_dateline(text: str, parts: ArticleParts, reference_time: datetime | None) -> str:
    found = _DATELINE.match(text[:HEAD_CHARS])
    if found is None or not _is_dateline(found):
        return text
    city, written_agency = found["city"], found["agency"]
    when = _dateline_day(found, reference_time, parts.warnings) if found["month"] else None
    if city or when:
        parts.dateline = Dateline(city=city.title() if city and city.isupper() else city, date=when)
    if written_agency:
        written_agency = written_agency.strip()
        parts.agency = agency_code(written_agency) or written_agency
        if parts.agency == written_agency and agency_name(written_agency) is None:
            parts.warnings.append(f"unknown agency {written_agency!r} in dateline")
    return text[found.end() :].lstrip()


def _is_dateline(found: re.Match[str]) -> bool:
    if found["agency"] or (found["city"] and found["month"]):
        return True
    # A bare "CITY -" only in capitals and followed by a space, so that "COVID-19" is not a dateline.
    city = found["city"]
    return bool(city and city.isupper() and found["space"])


def _dateline_day(found: re.Match[str], reference_time: datetime | None, warnings: list[str]) -> date | None:
    month, day = _MONTHS.get(found["month"].lower()), int(found["day"])
    written = f"{found['month']} {found['day']}"
    if month is None:
        warnings.append(f"dateline month {found['month']!r} not recognised")
        return None
    if found["year"]:
        try:
            return date(int(found["year"]), month, day)
        except ValueError:
            warnings.append(f"dateline date {written} {found['year']} does not exist")
            return None
    if reference_time is None:
        warnings.append("dateline year unknown: no fetched_at or ingested_at")
        return None
    when = dateline_date(month, day, reference_time)
    if when is None:
        warnings.append(f"dateline date {written} does not exist")
    return when


def _split_title(text: str) -> tuple[str | None, str]:
    """A title only when the text clearly has one: a short first line, then a blank line, then more."""
    first, blank, rest = text.partition("\n\n")
    clearly_title = (
        blank
        and rest.strip()
        and "\n" not in first
        and len(first) <= MAX_TITLE_CHARS
        and len(first.split()) >= 2
        and first[-1] not in ".,;:"
        and not first.lower().startswith("by ")
    )
    return (first, rest) if clearly_title else (None, text)
