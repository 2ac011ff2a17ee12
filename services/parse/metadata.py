"""What a page declares about itself: canonical URL, language, publication time, authors, title."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import lxml.html

from .agency import agency_code
from .text import drop_control_chars

# <meta> names that state the publication time, as Open Graph, schema.org and CMSs spell them.
_PUBLISHED_NAMES = {
    "article:published_time",
    "article:published",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "parsely-pub-date",
    "sailthru.date",
}
_JSON_LD_PUBLISHED = re.compile(r'"datePublished"\s{0,3}:\s{0,3}"([^"]{8,40})"')
# JSON-LD blocks can be large; the date sits near the start of the article object.
MAX_JSON_LD_CHARS = 100_000
MAX_URL_CHARS = 2_048
# Titles, names and descriptions longer than this are scraping accidents; the rest is cut off.
MAX_FIELD_CHARS = 1_000
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}")
_LANGUAGE_META = {"content-language", "language", "og:locale", "dc.language"}
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")


def one_line(value: str | None) -> str | None:
    """A metadata value on one line; None when there is nothing in it."""
    if not value:
        return None
    return " ".join(drop_control_chars(value[: 2 * MAX_FIELD_CHARS]).split())[:MAX_FIELD_CHARS] or None


def canonical_url(tree: lxml.html.HtmlElement, url: str | None) -> str | None:
    """<link rel="canonical">, else og:url; relative links resolved against the fetched URL."""
    candidates = [
        link.get("href", "")
        for link in tree.iterfind(".//link[@rel][@href]")
        if "canonical" in link.get("rel", "").lower().split()
    ]
    candidates += [meta.get("content", "") for meta in tree.iterfind(".//meta[@property='og:url'][@content]")]
    for candidate in candidates:
        absolute = urljoin(url or "", candidate.strip())
        if absolute.startswith(("http://", "https://")) and len(absolute) <= MAX_URL_CHARS:
            return absolute
    return None


def declared_language(tree: lxml.html.HtmlElement) -> str | None:
    """The BCP 47 tag the page declares: <html lang>, else Content-Language or og:locale."""
    declared = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iterfind(".//meta[@content]"):
        key = (meta.get("http-equiv") or meta.get("name") or meta.get("property") or "").lower()
        if key in _LANGUAGE_META:
            declared.append(meta.get("content"))
    for value in declared:
        tag = (value or "").split(",")[0].strip()
        if _LANGUAGE.fullmatch(tag):
            primary, *subtags = tag.replace("_", "-").split("-")
            return "-".join([primary.lower(), *(s.upper() if len(s) == 2 else s for s in subtags)])
    return None


def published_at(
    tree: lxml.html.HtmlElement, guessed: str | None, latest: datetime | None, warnings: list[str]
) -> datetime | None:
    """The publication time the markup states, else htmldate's `guessed` date; always timezone-aware.

    Times after `latest` (the fetch time plus a day) are impossible and ignored.
    """
    stated = [time for time in map(_read_time, _stated_times(tree)) if time and _not_after(time, latest)]
    published = next((time for time in stated if time.tzinfo), None) or next(iter(stated), None)
    published = published or _read_time(guessed)
    if published is None or published.tzinfo is not None:
        return published
    # Stored as timestamptz downstream: a naive time would silently take the server's zone.
    if published.hour == published.minute == published.second == 0:
        warnings.append("published_at: the page gives a date only, taken as 00:00 UTC")
    else:
        warnings.append("published_at: the page gives no time zone, taken as UTC")
    return published.replace(tzinfo=UTC)


def split_authors(byline: str | None) -> tuple[list[str], str | None]:
    """Person names from trafilatura's "A; B" byline, and an agency named there in place of a person."""
    authors: list[str] = []
    agency = None
    for part in (one_line(byline) or "").split(";"):
        name = part.strip()
        if name[:3].casefold() == "by ":
            name = name[3:].lstrip()
        if not name:
            continue
        if code := agency_code(name):
            agency = agency or code
        elif name.casefold() not in {author.casefold() for author in authors}:
            authors.append(name)
    return authors, agency


def clean_title(title: str | None, site_name: str | None) -> str | None:
    """The page title without the site name that pages append ("Story | Site")."""
    title = one_line(title)
    if title and site_name:
        for separator in _TITLE_SEPARATORS:
            suffix = f"{separator}{site_name}"
            if title.casefold().endswith(suffix.casefold()) and len(title) > len(suffix):
                return title[: -len(suffix)].rstrip()
    return title


def _stated_times(tree: lxml.html.HtmlElement) -> list[str]:
    values = []
    for meta in tree.iterfind(".//meta[@content]"):
        names = " ".join(meta.get(key, "") for key in ("property", "name", "itemprop")).lower().split()
        if _PUBLISHED_NAMES.intersection(names):
            values.append(meta.get("content", ""))
    for element in tree.iterfind(".//*[@itemprop][@datetime]"):
        if "datepublished" in element.get("itemprop", "").lower().split():
            values.append(element.get("datetime", ""))
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        values += _JSON_LD_PUBLISHED.findall((script.text or "")[:MAX_JSON_LD_CHARS])
    return values


def _read_time(value: str | None) -> datetime | None:
    value = (value or "").strip()[:64]
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value)  # "Tue, 19 Nov 2019 11:00:09 GMT"
    except (TypeError, ValueError):
        return None


def _not_after(time: datetime, latest: datetime | None) -> bool:
    if latest is None:
        return True
    return time.replace(tzinfo=time.tzinfo or UTC) <= latest.replace(tzinfo=latest.tzinfo or UTC)
