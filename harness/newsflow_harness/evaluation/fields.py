"""How a title, an author list and a publication date are compared with each set's truth.

The conventions (also in the README's "Extraction quality"):

- **Title**: equal after Unicode normalisation, case folding, one kind of quote and dash, invisible
  characters (soft hyphens) removed. Readability's titles are document titles that often keep the
  site name ("Site: Title", "Title | Site"), so there the title before or after such a separator also counts.
- **Authors**: an author is a person credited with writing the article; when no person is named, the
  news agency is the credit (newsflow reports it in `agency`). The site's own name, desks ("Redaktion",
  "Newsroom"), and handles or initials ("ssi", "TPN") are not authors. Both the truth and every
  extractor's answer are read through the same `credits` function: agencies become agency codes, site
  names, desks and handles are dropped, names are compared case-folded without dots; the answer is right
  when the sets of people and of agencies are both equal. Readability gives the visible byline string:
  it is cut into names here (labels "By", "Par"... and dates dropped) before the same comparison.
- **Date**: the calendar day. When the truth has an offset, the answer's instant is taken to that offset
  (the day the page's readers saw); a date-only answer must be that day. A truth without offset (our
  annotations, some of Readability's) accepts any instant that falls on that day in some real time zone.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone

from dateutil import parser as dateutil_parser

from services.parse.agency import agency_code

from .devsets import DevPage

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
                         "–": "-", "—": "-", "‐": "-", "‑": "-"})  # fmt: skip
# Separators between a document title and the site or section it names.
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", ": ", " : ", " » ", " // ", " · ", " _ ", " :: ")
# Words that make a credit a desk or the publication rather than a person (any language seen in the sets).
_DESK_WORDS = {"redaktion", "redaction", "rédaction", "redacción", "redazione", "redactie", "redação", "newsroom",
               "staff", "desk", "editors", "online", "web", "digital", "team", "news", "wires"}  # fmt: skip
_DESK_PARTS = ("新聞", "デジタル", "オンライン", "redaktion", "-redaktion")
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "ne", "or", "go"}
_BYLINE_LABEL = re.compile(
    r"^(?:(?:written|edited|reported|posted|published|text|photos?|words)\s+)?"
    r"(?:by|par|von|por|door|di|av|af|text|texto|texte|autor|author|auteur)\b\s*:?\s*",
    re.IGNORECASE,
)
_BYLINE_SPLIT = re.compile(
    r"\s*(?:\n|,|;|\||·|•|\band\b|&|\bet\b|\bund\b|\by\b|\bavec\b|\bwith\b|\bmit\b|\bcon\b)\s*",
    re.IGNORECASE,
)
# A date written after the name ("By Nathan Willis March 25, 2015", "Last Updated: January 7").
_BYLINE_DATE = re.compile(
    r"\b(?:(?:last\s+)?updated|published|(?:january|february|march|april|may|june|july|august|september|october"
    r"|november|december)\s+\d).*",
    re.IGNORECASE | re.DOTALL,
)
_HONORIFIC = re.compile(r"^(?:(?:dr|prof|mag|ing)\.?\s+)+", re.IGNORECASE)
_AGENCY_SPLIT = re.compile(r"\s*(?:,|/|&|\bet\b|\bund\b|\band\b)\s*", re.IGNORECASE)


def plain_title(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf").casefold()
    return " ".join(text.split()).strip(" .")


def same_title(page: DevPage, set_name: str, got: str | None) -> bool:
    expected = plain_title(page.title)
    answer = plain_title(got)
    if not answer:
        return False
    if answer == expected:
        return True
    if set_name != "readability-dev":
        return False
    raw = " ".join((page.title or "").split())
    for separator in _TITLE_SEPARATORS:
        head, _, tail = raw.rpartition(separator)
        first, _, rest = raw.partition(separator)
        if answer in {plain_title(head), plain_title(tail), plain_title(first), plain_title(rest)} - {""}:
            return True
    return False


def byline_names(byline: str) -> list[str]:
    """Readability's visible byline cut into names: "By A and B", "Par X (avec Y et Z)", "A\\n Edited by B"."""
    names = []
    # "X (avec Y et Z)": the parenthesis adds co-authors; "Bruno (Henrique Zecchin) Rodrigues": part of a name.
    byline = re.sub(r"\((?=\s*(?:avec|with|mit|con)\b)", ",", byline, flags=re.IGNORECASE).replace("(", " ")
    byline = _BYLINE_DATE.sub("", byline.replace(")", " "))
    for part in _BYLINE_SPLIT.split(byline):
        part = re.sub(r"https?://\S+", "", part)
        part = re.split(r"\d", part, maxsplit=1)[0]  # "Lucas Nolan22 Dec 2016": the date runs on
        while (stripped := _BYLINE_LABEL.sub("", part.strip(" -–—:"))) != part.strip(" -–—:"):
            part = stripped
        if part := part.strip(" -–—:."):
            names.append(part)
    return names


def credits(names: list[str], page: DevPage) -> tuple[frozenset[str], frozenset[str]]:
    """(people, agency codes) of a credit list, without the site's own name, desks and handles."""
    people: set[str] = set()
    agencies: set[str] = set()
    for entry in names:
        entry = " ".join(unicodedata.normalize("NFKC", entry).split()).strip(" ,;")
        if not entry:
            continue
        if code := _agency(entry):
            agencies.add(code.casefold())
            continue
        parts = _AGENCY_SPLIT.split(entry)
        codes = [code for part in parts if (code := _agency(part))]
        if codes and len(parts) > 1:  # "Paula Steiger, SDA", "Le Figaro et AFP"
            agencies.update(code.casefold() for code in codes)
            rest = [part for part in parts if not _agency(part)]
            people.update(name for part in rest if (name := _person(part, page)))
            continue
        if name := _person(entry, page):
            people.add(name)
    return frozenset(people), frozenset(agencies)


def same_credits(expected: list[str], got: list[str], page: DevPage, people_only: bool = False) -> bool:
    """Same people and agencies; with `people_only` (our annotations record people only) the same people."""
    if people_only:
        return credits(expected, page)[0] == credits(got, page)[0]
    return credits(expected, page) == credits(got, page)


def same_day(expected: str | None, got: datetime | date | None) -> bool:
    if not expected or got is None:
        return False
    truth = _read_time(expected)
    if truth is None:
        return False
    day = truth.date()
    if not isinstance(got, datetime):  # a date-only answer
        return got == day
    if got.time() == time(0) and got.utcoffset() in (None, timedelta(0)):
        return got.date() == day
    if truth.tzinfo is not None:
        return got.replace(tzinfo=got.tzinfo or UTC).astimezone(truth.tzinfo).date() == day
    first = datetime.combine(day, time(0), timezone(timedelta(hours=14)))
    last = datetime.combine(day + timedelta(days=1), time(0), timezone(timedelta(hours=-12)))
    return first <= got.replace(tzinfo=got.tzinfo or UTC) < last


def _read_time(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    try:
        return dateutil_parser.isoparse(value)
    except ValueError:
        return None


def _agency(text: str) -> str | None:
    text = text.strip(" .")
    return agency_code(text) or agency_code(text.removeprefix("The ").removeprefix("the "))


def _person(entry: str, page: DevPage) -> str | None:
    """The normalised name, or None for the site's own name, a desk or a handle."""
    if _names_site(entry, page):
        return None
    words = entry.casefold().replace("-", " ").split()
    if any(word in _DESK_WORDS for word in words) or any(part in entry.casefold() for part in _DESK_PARTS):
        return None
    latin = [ch for ch in entry if ch.isalpha() and ch.isascii()]
    if latin and len(latin) == sum(ch.isalpha() for ch in entry):
        if not any(ch.isupper() for ch in latin):  # "ssi", "srf/hosb": initials or a handle
            return None
        if len(words) == 1 and len(latin) <= 4 and entry.isupper():  # "TPN", "SID"
            return None
    return " ".join(re.sub(r"[.\s]+", " ", _HONORIFIC.sub("", entry).casefold()).split()) or None


def _names_site(entry: str, page: DevPage) -> bool:
    key = _folded(entry)
    for value in (page.site, _host_name(page.host)):
        other = _folded(value or "")
        if len(other) >= 3 and len(key) >= 3 and (other in key or key in other):
            return True
    return False


def _host_name(host: str | None) -> str | None:
    """ "www.bbc.co.uk" -> "bbc", "ntv.com.tr" -> "ntv", "t-online.de" -> "t-online"."""
    if not host:
        return None
    labels = [label for label in host.split(".")[:-1] if label not in _SECOND_LEVEL and label != "www"]
    return max(labels, key=len) if labels else None


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())
