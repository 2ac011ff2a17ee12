"""Is what the parser found an article at all? A body that is WARC or HTTP headers, JSON text, a feed or a
listing of links is refused with that reason (dead-lettered), never stored and announced.

Each mistake has a cause upstream (a WARC or a scraper's JSON sent as a page, a feed or a front page
submitted as an article), so each reason says what to send instead.
"""

from __future__ import annotations

import json
import re

# A feed's root element, after an XML declaration, comments and a doctype.
_FEED_ROOT = re.compile(
    r"\A\s*(?:<\?xml[^>]{0,500}\?>\s*)?(?:<!--.{0,4000}?-->\s*|<!DOCTYPE[^>]{0,1000}>\s*)*<(rss|feed|rdf:RDF)\b",
    re.I | re.S,
)
_WARC_OR_HTTP = re.compile(r"\A\s*(?:WARC/1\.\d|HTTP/[12](?:\.\d)? \d{3}\b)")
_HEADER_LINE = re.compile(r"^(?:WARC-[\w-]{1,40}|Content-(?:Type|Length)|Server|Date|Set-Cookie|Connection):\s", re.I)
_JSON_KEY = re.compile(r'"[^"\n]{1,60}"\s*:\s*')
# Listing pages: most of the body's lines are the texts of the page's links (headlines pointing elsewhere).
LISTING_MIN_LINES = 8
LISTING_LINK_SHARE = 0.6
_ANCHOR = re.compile(r"<a\b[^>]{0,2000}>(.{1,400}?)</a\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]{0,2000}>")
_MAX_ANCHORS = 5000
_OPENING = 12
_JSON_SAMPLE = 1_000_000


def body_problem(content: str, body: str) -> str | None:
    """Why `body` (parsed from `content`) is not an article, or None when it may be one."""
    if _FEED_ROOT.match(content[:5000]):
        return "the content is an RSS/Atom feed, not an article: submit it as a file (newsflow ingest reads feeds)"
    if _is_headers(body):
        return (
            "the body is WARC/HTTP headers, not article text: submit WARC files as files (newsflow ingest reads them)"
        )
    if _is_json(body):
        return "the body is JSON text, not article text: a scraper's JSON goes to the API as JSON, not as the page"
    if _is_listing(content, body):
        return "the body is a listing of headlines (a front or section page), not an article"
    return None


def _is_headers(body: str) -> bool:
    if _WARC_OR_HTTP.match(body):
        return True
    lines = [line for line in body[:3000].splitlines() if line.strip()][:8]
    return sum(1 for line in lines if _HEADER_LINE.match(line)) >= 3


def _is_json(body: str) -> bool:
    text = body.strip()
    if not text or text[0] not in "[{" or text[-1] not in "]}":
        return False
    try:
        json.loads(text[:_JSON_SAMPLE])
        return True
    except ValueError:
        # Cut or slightly broken JSON still reads as keys and values.
        return len(_JSON_KEY.findall(text[:20_000])) * 200 > min(len(text), 20_000)


def _is_listing(content: str, body: str) -> bool:
    lines = {_folded(line) for line in body.splitlines() if line.strip()}
    if len(lines) < LISTING_MIN_LINES:
        return False
    by_opening: dict[str, set[str]] = {}
    for anchor in _ANCHOR.findall(content, 0, 2_000_000)[:_MAX_ANCHORS]:
        text = _folded(_TAG.sub(" ", anchor))
        if text:
            by_opening.setdefault(text[:_OPENING], set()).add(text)
    linked = sum(1 for line in lines if _is_link_text(line, by_opening))
    return linked >= LISTING_LINK_SHARE * len(lines)


def _is_link_text(line: str, by_opening: dict[str, set[str]]) -> bool:
    """The line is a link's text, perhaps followed by a date or a teaser ("Headline 2026-03-04")."""
    candidates = by_opening.get(line[:_OPENING], ())
    return line in candidates or any(len(c) >= _OPENING and line.startswith(c) for c in candidates)


def _folded(text: str) -> str:
    return " ".join(text.lstrip(" -•*·").split()).casefold()
