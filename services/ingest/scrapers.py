"""The JSON that scrapers write, mapped field by field to a submission (the README has the table).

news-please, trafilatura (`--json --with-metadata`), newspaper4k, Fundus and Scrapy items each name the
same things their own way. Every value is read from the scraper's own key and an error names that key,
so the person fixing the scraper sees the name they know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from dateutil import parser as date_parser

# Our field -> the keys scrapers use for it, most specific first (the README's table follows this).
KEYS: dict[str, tuple[str, ...]] = {
    "html": ("html", "raw_html", "content_html", "body_html", "page_html"),
    "text": ("text", "maintext", "plaintext", "body", "raw_text", "content", "article_body", "articleBody"),
    "url": ("url", "canonical_url", "canonical_link", "link", "responded_url", "requested_url"),
    "title": ("title", "headline", "title_page", "title_rss"),
    "published_at": ("published_at", "date_publish", "publishing_date", "publish_date", "date", "datePublished",
                     "pubDate", "published"),
    "fetched_at": ("fetched_at", "date_download", "crawl_date", "download_date", "crawled_at"),
    "authors": ("authors", "author", "byline"),
    "source": ("source", "source_domain", "sitename", "meta_site_name", "hostname", "source-hostname", "publisher"),
    "language": ("language", "lang", "meta_lang"),
    "description": ("description", "excerpt", "meta_description", "summary"),
    "image_url": ("image_url", "image", "top_image", "meta_img"),
}  # fmt: skip

DATE_FIELDS = ("published_at", "fetched_at")
# What scrapers write for "no value": news-please serialises a missing date as the string "None".
MISSING = frozenset({"", "none", "null", "nil", "nan", "n/a", "undefined"})
_MAX_DATE_CHARS = 100
_HTML_START = re.compile(r"\s*<(?:!doctype\s+html|html|head|body|div|p|article|section|main|h[1-6])\b", re.I)


class ScraperFieldError(ValueError):
    """A value under a scraper's key that cannot be read; the message names the key."""


@dataclass
class MappedSubmission:
    fields: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # our field -> the scraper's key it came from

    def key_for(self, our_field: str) -> str:
        return self.origin.get(our_field, our_field)


def map_scraper_json(data: dict[str, Any]) -> MappedSubmission:
    """The submission fields in `data`, whichever scraper wrote it; ScraperFieldError names a bad key."""
    mapped = MappedSubmission()
    nested = _fundus_html(data)
    address_in_source: tuple[str, str] | None = None
    for ours, keys in KEYS.items():
        for key in keys:
            value = data.get(key, nested.get(key))
            if _missing(value):
                continue
            if ours == "source" and isinstance(value, str) and value.startswith(("http://", "https://")):
                # trafilatura puts the page's address in `source`: the URL when there is no `url`.
                address_in_source = address_in_source or (value, key)
                continue
            mapped.fields[ours], mapped.origin[ours] = value, key
            break
    if address_in_source and "url" not in mapped.fields:
        mapped.fields["url"], mapped.origin["url"] = address_in_source
    _normalise(mapped)
    return mapped


def _fundus_html(data: dict[str, Any]) -> dict[str, Any]:
    """Fundus keeps the page's addresses and crawl date in an `html` object, not at the top."""
    html = data.get("html")
    return html if isinstance(html, dict) else {}


def _missing(value: Any) -> bool:
    if value is None or value == [] or value == {}:
        return True
    return isinstance(value, str) and value.strip().lower() in MISSING


def _normalise(mapped: MappedSubmission) -> None:
    fields = mapped.fields
    if isinstance(fields.get("html"), dict):  # Fundus: the page object, not markup
        page = fields.pop("html")
        if isinstance(page.get("content"), str) and page["content"].strip():
            fields["html"], mapped.origin["html"] = page["content"], "html.content"
    if "text" in fields:
        fields["text"] = _text_of(fields["text"], mapped.key_for("text"))
        # Scrapy items often carry the page itself under "body" or "content".
        if "html" not in fields and _HTML_START.match(fields["text"][:2000]):
            fields["html"] = fields.pop("text")
            mapped.origin["html"] = mapped.origin.pop("text")
    for ours in DATE_FIELDS:
        if ours in fields:
            fields[ours] = parse_date(fields[ours], mapped.key_for(ours))
    if "authors" in fields:
        fields["authors"] = _authors(fields["authors"], mapped.key_for("authors"))
    for ours in ("url", "title", "source", "language", "description", "image_url"):
        if ours in fields:
            fields[ours] = _one_string(fields[ours], mapped.key_for(ours))


def _text_of(value: Any, key: str) -> str:
    """A text value: a string, a list of paragraphs, or Fundus' body (summary and sections)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)
    if isinstance(value, dict) and ("sections" in value or "summary" in value):
        parts = [*_strings(value.get("summary"))]
        for section in value.get("sections") or []:
            if isinstance(section, dict):
                parts += [*_strings(section.get("headline")), *_strings(section.get("paragraphs"))]
        return "\n\n".join(parts)
    raise ScraperFieldError(f"{key}: expected text, got {type(value).__name__}")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _authors(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        # trafilatura joins authors with "; ".
        return [a.strip() for a in value.split(";") if a.strip()]
    if isinstance(value, list):
        names = [v.get("name") if isinstance(v, dict) else v for v in value]
        return [n.strip() for n in names if isinstance(n, str) and n.strip() and n.strip().lower() not in MISSING]
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return [value["name"].strip()]
    raise ScraperFieldError(f"{key}: expected a name or a list of names, got {type(value).__name__}")


def _one_string(value: Any, key: str) -> str:
    if isinstance(value, list) and value and isinstance(value[0], str):
        value = value[0]  # Scrapy item loaders keep lists: the first is the value
    if not isinstance(value, str):
        raise ScraperFieldError(f"{key}: expected a string, got {type(value).__name__}")
    return value.strip()


def parse_date(value: Any, key: str) -> datetime:
    """ISO 8601 (also with a space, or a date alone), RFC 822 as feeds write it, or Unix seconds."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool):
        raise ScraperFieldError(f"{key}: expected a date, got {value!r}")
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise ScraperFieldError(f"{key}: {value!r} is not a date") from exc
    if not isinstance(value, str):
        raise ScraperFieldError(f"{key}: expected a date, got {type(value).__name__}")
    text = value.strip()
    if len(text) > _MAX_DATE_CHARS:
        raise ScraperFieldError(f"{key}: {text[:40]!r}... is not a date")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return date_parser.parse(text)
    except (ValueError, OverflowError) as exc:
        raise ScraperFieldError(f"{key}: {text!r} is not a date") from exc


def with_file_source(item: dict[str, Any], source: str) -> dict[str, Any]:
    """`item` naming `source` (the file it came from) unless the scraper named the site itself."""
    for key in KEYS["source"]:
        value = item.get(key)
        if isinstance(value, str) and not _missing(value) and not value.startswith(("http://", "https://")):
            return item
    return {**item, "source": source} if "source" not in item else {**item, "sitename": source}
