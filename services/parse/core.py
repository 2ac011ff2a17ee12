"""The parse stage's pure core: RawArticle -> ParsedArticle, clean body text and metadata."""

from __future__ import annotations

import re

from newsflow_schemas import ContentType, ParsedArticle, RawArticle
from services.common.errors import RejectedInput

from .byline import MAX_AUTHORS
from .html import extract_html
from .metadata import language_tag, one_line
from .parts import ArticleParts
from .sanity import body_problem
from .text import looks_binary, tidy_text, truncate
from .wire import parse_wire

# Plain text beyond this is not one article; the rest is cut off with a warning.
MAX_TEXT_CHARS = 1_000_000
# A body shorter than this is kept, but is likely a teaser or a cookie wall rather than the story.
MIN_BODY_CHARS = 200
MAX_DESCRIPTION_CHARS = 10_000  # what ingest accepts

_MARKUP = re.compile(r"<[A-Za-z!/]")


def parse(raw: RawArticle) -> ParsedArticle:
    """The article's body and metadata; RejectedInput when the content holds no body at all."""
    if not raw.content.strip():
        raise RejectedInput("empty content")
    if looks_binary(raw.content):
        raise RejectedInput("content is binary data, not text or html")
    content_type, warnings = _content_type(raw)
    # A dateline's year and a page's latest plausible date come from when the article was fetched.
    fetched_at = raw.fetched_at or raw.times.ingested_at
    if content_type == "html":
        found = extract_html(raw.content, raw.url, fetched_at)
    else:
        if len(raw.content) > MAX_TEXT_CHARS:
            warnings.append(f"text truncated: read the first {MAX_TEXT_CHARS} of {len(raw.content)} characters")
        found = parse_wire(truncate(raw.content, MAX_TEXT_CHARS), fetched_at)
    if not found.body:
        raise RejectedInput("no body text: the content is only a dateline, licence or reference")
    if problem := body_problem(raw.content, found.body):
        raise RejectedInput(problem)
    if len(found.body) < MIN_BODY_CHARS:
        warnings.append(f"body is short: {len(found.body)} characters")
    return _parsed(raw, found, content_type, [*warnings, *found.warnings])


def _content_type(raw: RawArticle) -> tuple[ContentType, list[str]]:
    """The declared content type, unless the content plainly is the other one."""
    if raw.content_type == "html" and not _MARKUP.search(raw.content):
        return "text", ["content_type is html but the content has no markup: read as text"]
    opening = raw.content[:200].lstrip().lower()
    if raw.content_type == "text" and opening.startswith(("<!doctype html", "<html")):
        return "html", ["content_type is text but the content is an html page: read as html"]
    return raw.content_type, []


def _parsed(raw: RawArticle, found: ArticleParts, content_type: ContentType, warnings: list[str]) -> ParsedArticle:
    """The parser's findings, with the scraper's metadata where the parser found none."""
    return ParsedArticle(
        schema_version=raw.schema_version,
        article_id=raw.article_id,
        trace_id=raw.trace_id,
        times=raw.times,
        url=raw.url,
        source=raw.source,
        fetched_at=raw.fetched_at,
        canonical_url=found.canonical_url,
        title=found.title or one_line(raw.title),
        body=found.body,
        description=found.description or _text(raw.description),
        authors=found.authors or _names(raw.authors),
        published_at=found.published_at or raw.published_at,
        updated_at=found.updated_at,
        image_url=found.image_url or raw.image_url,
        language=found.language or language_tag(raw.language),
        site_name=found.site_name,
        dateline=found.dateline,
        agency=found.agency,
        agency_name=found.agency_name,
        reference=found.reference,
        license=found.license,
        warnings=warnings,
        parsed_from=content_type,
    )


# The scraper's metadata is cleaned and bounded like the page's: it is anyone's input.
def _names(authors: list[str]) -> list[str]:
    names = [name for author in authors if (name := one_line(author))]
    return list(dict.fromkeys(names))[:MAX_AUTHORS]


def _text(value: str | None) -> str | None:
    return (tidy_text(value[:MAX_DESCRIPTION_CHARS]) or None) if value else None
