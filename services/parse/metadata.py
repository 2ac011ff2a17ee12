"""What a page declares about itself: canonical URL, language, publication time, authors, title."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import lxml.html
from dateutil import parser as dateutil_parser
from dateutil import tz

from .dates import DisplayedDate, choose_published
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
_UPDATED_NAMES = {
    "article:modified_time",
    "article:modified",
    "og:updated_time",
    "datemodified",
    "dc.date.modified",
    "last-modified",
    "lastmod",
}
# Where pages state their headline and authors, best first (og:title is the most often right).
TITLE_META = ("og:title", "twitter:title", "dc.title", "title")
AUTHOR_META = (
    "author",
    "article:author",
    "og:article:author",
    "byl",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
)
# Dublin Core (and the library catalogues that use it) write creators "Last, First".
DUBLIN_CORE_CREATORS = ("dc.creator", "dcterms.creator")
IMAGE_META = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src")
# Years before the web are CMS placeholders ("0001-01-01"), not publication dates.
EARLIEST_YEAR = 1990
# US zone abbreviations pages print next to times ("07:47 PM EST"); others are left unknown.
_ZONES = {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "ET": -5,
          "GMT": 0, "UTC": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "IST": 5.5}  # fmt: skip
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
    return next((tag for value in declared if (tag := language_tag(value))), None)


def language_tag(value: str | None) -> str | None:
    """`value` as a BCP 47 tag ("en_us" -> "en-US"), or None when it is not one."""
    tag = (value or "").split(",")[0].strip()
    if _LANGUAGE.fullmatch(tag):
        primary, *subtags = tag.replace("_", "-").split("-")
        return "-".join([primary.lower(), *(s.upper() if len(s) == 2 else s for s in subtags)])
    return None


def published_at(
    tree: lxml.html.HtmlElement,
    stated: str | None,
    guessed: str | None,
    displayed: DisplayedDate | None,
    latest: datetime | None,
    warnings: list[str],
) -> datetime | None:
    """The publication time the markup states (meta tags, JSON-LD, `stated`), checked against the day the
    page `displayed`; else htmldate's `guessed` date; always timezone-aware.

    Times after `latest` (the fetch time plus a day) are impossible and ignored.
    """
    times = [time for time in map(_read_time, _stated_times(tree, stated)) if time and _not_after(time, latest)]
    markup = next((time for time in times if time.tzinfo), None) or next(iter(times), None)
    guess = _read_time(guessed)
    published = choose_published(markup, displayed, guess if guess and _not_after(guess, latest) else None)
    if published is None or published.tzinfo is not None:
        return published
    # Stored as timestamptz downstream: a naive time would silently take the server's zone.
    if published.hour == published.minute == published.second == 0:
        warnings.append("published_at: the page gives a date only, taken as 00:00 UTC")
    else:
        warnings.append("published_at: the page gives no time zone, taken as UTC")
    return published.replace(tzinfo=UTC)


def meta_values(tree: lxml.html.HtmlElement, names: tuple[str, ...]) -> list[str]:
    """The contents of <meta> tags with these names or properties, in the order of `names`."""
    found = meta_values_by_name(tree, names)
    return [value for name in names for value in found.get(name, [])]


def meta_values_by_name(tree: lxml.html.HtmlElement, names: tuple[str, ...]) -> dict[str, list[str]]:
    """The contents of <meta> tags with these names or properties, by name, in page order."""
    found: dict[str, list[str]] = {}
    for meta in tree.iterfind(".//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in names and (value := one_line(meta.get("content"))):
            found.setdefault(key, []).append(value)
    return found


def updated_at(tree: lxml.html.HtmlElement, stated: str | None, latest: datetime | None) -> datetime | None:
    """When the page says it was last changed; timezone-aware (UTC when the page gives no zone)."""
    values = [stated] if stated else []
    for meta in tree.iterfind(".//meta[@content]"):
        names = " ".join(meta.get(key, "") for key in ("property", "name", "itemprop")).lower().split()
        if _UPDATED_NAMES.intersection(names):
            values.append(meta.get("content", ""))
    for value in values:
        if (time := _read_time(value)) and _not_after(time, latest):
            return time if time.tzinfo else time.replace(tzinfo=UTC)
    return None


def image_url(tree: lxml.html.HtmlElement, stated: str | None, url: str | None) -> str | None:
    """The article's lead image: og:image or twitter:image, else the JSON-LD image; absolute."""
    for candidate in [*meta_values(tree, IMAGE_META), stated or ""]:
        absolute = urljoin(url or "", candidate.strip())
        if absolute.startswith(("http://", "https://")) and len(absolute) <= MAX_URL_CHARS:
            return absolute
    return None


def clean_title(title: str | None, site_name: str | None, host: str | None = None) -> str | None:
    """The page title without the site name pages put after it ("Story | Site") or before it."""
    title = one_line(title)
    if not title:
        return None
    for separator in _TITLE_SEPARATORS:
        head, _, tail = title.rpartition(separator)
        if head and _names_site(tail, site_name, host):
            return head.rstrip()
        tail, _, rest = title.partition(separator)
        if rest and _names_site(tail, site_name, host):
            return rest.lstrip()
    return title


def _names_site(text: str, site_name: str | None, host: str | None) -> bool:
    """`text` is the site's name: its letters appear in the site name or host, or theirs in it."""
    key = _letters(text)
    if len(key) < 3:
        return False
    for value in (site_name, host.removeprefix("www.") if host else None):
        other = _letters(value or "")
        if len(other) >= 3 and (key in other or other in key):
            return True
    return False


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _stated_times(tree: lxml.html.HtmlElement, article: str | None) -> list[str]:
    """Publication times the markup states, best first: the JSON-LD article's own, meta tags, elements
    with itemprop=datePublished; any JSON-LD datePublished (images have them too) last."""
    values = [article] if article else []
    for meta in tree.iterfind(".//meta[@content]"):
        names = " ".join(meta.get(key, "") for key in ("property", "name", "itemprop")).lower().split()
        if _PUBLISHED_NAMES.intersection(names):
            values.append(meta.get("content", ""))
    for element in tree.iterfind(".//*[@itemprop]"):
        if element.tag != "meta" and "datepublished" in element.get("itemprop", "").lower().split():
            values.append(element.get("datetime") or element.get("content") or "")
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        values += _JSON_LD_PUBLISHED.findall((script.text or "")[:MAX_JSON_LD_CHARS])
    return values


def _read_time(value: str | None) -> datetime | None:
    """A stated time, or None when it is unreadable, a placeholder ("0001-01-01T00:00:00Z") or has no
    instant in UTC ("9999-12-31T23:59:59-05:00": the message schema refuses it)."""
    time = _parse_time((value or "").strip()[:64])
    return time if time is not None and time.year >= EARLIEST_YEAR and _has_utc_instant(time) else None


def _has_utc_instant(time: datetime) -> bool:
    try:
        time.astimezone(UTC) if time.tzinfo else time
    except OverflowError:
        return False
    return True


def _parse_time(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    # dateutil before the e-mail parser: that one reads "07:47 PM EST" as 07:47 without a zone.
    if written := _read_written_time(value):
        return written
    try:
        return parsedate_to_datetime(value)  # "Tue, 19 Nov 2019 11:00:09 GMT"
    except (TypeError, ValueError):
        return None


def _read_written_time(value: str) -> datetime | None:
    """A time as people write it: "November 19, 2019, 07:47 PM EST"; only when it has a year."""
    if not re.search(r"\b(?:19|20)\d\d\b", value):
        return None
    zones = {name: tz.tzoffset(name, int(hours * 3600)) for name, hours in _ZONES.items()}
    try:
        return dateutil_parser.parse(value, tzinfos=zones)
    except (ValueError, OverflowError):
        return None


def _not_after(time: datetime, latest: datetime | None) -> bool:
    if latest is None:
        return True
    return time.replace(tzinfo=time.tzinfo or UTC) <= latest.replace(tzinfo=latest.tzinfo or UTC)
