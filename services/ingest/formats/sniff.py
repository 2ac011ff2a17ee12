"""What a file is, from its first bytes: WARC, JSON, JSON Lines, RSS/Atom, HTML or plain text.

A pure function of the bytes (gzip is opened by the caller, which passes the inflated head); anything
else is refused with a reason a person can act on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .items import FileKind

# How much of a file the sniffer looks at.
HEAD_BYTES = 65_536

GZIP_MAGIC = b"\x1f\x8b"

# Formats that are plainly not articles, by their magic numbers: named in the refusal.
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x28\xb5\x2f\xfd", "Zstandard-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ", "xz-compressed data"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "an executable"),
    (b"RIFF", "a RIFF media file"),
)

_XML_PROLOG = re.compile(rb"\s*(?:<\?[^>]{0,500}\?>\s*|<!--.{0,4000}?-->\s*|<!DOCTYPE[^>]{0,1000}>\s*)*", re.S | re.I)
_ROOT = re.compile(rb"<([A-Za-z][\w:.-]{0,60})")
_DOCTYPE_HTML = re.compile(rb"<!DOCTYPE\s+html", re.I)
# Elements an HTML page or fragment may open with.
_HTML_ELEMENTS = frozenset(
    b"html head body meta title link script style base div p article section main header nav span a h1 h2 h3 "
    b"h4 h5 h6 table ul ol img figure br hr noscript form iframe center font b i em strong blockquote pre".split()
)
_HTML_INSIDE = re.compile(rb"<(?:html|body|head|p|div|article)\b", re.I)
_FEED_ROOTS = {b"rss": "RSS", b"feed": "Atom", b"rdf:rdf": "RSS 1.0"}
_SITEMAP_ROOTS = (b"urlset", b"sitemapindex")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f]")


@dataclass(frozen=True)
class Sniffed:
    kind: FileKind | None
    refusal: str | None = None  # why the file is not read, when kind is None


def refused(reason: str) -> Sniffed:
    return Sniffed(None, reason)


def sniff(head: bytes, complete: bool = False) -> Sniffed:
    """The kind of file whose first bytes are `head`; `complete` when `head` is the whole file."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    stripped = head.lstrip()
    if not stripped:
        return refused("empty file" if not head else "only whitespace")
    if stripped.startswith(b"WARC/"):
        return Sniffed(FileKind.WARC)
    if stripped.startswith(b"filedesc://"):
        return refused("an ARC file (the format before WARC): convert it to WARC (warcio recompress) first")
    if head.startswith(GZIP_MAGIC):
        return refused("gzip inside gzip")  # the caller inflated one layer already
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return refused(f"{name}, not an article format")
    if b"\x00" in head[:4096] or len(_CONTROL.findall(head[:4096])) > len(head[:4096]) // 20:
        return refused("binary data, not text")
    first = stripped[:1]
    if first == b"[":
        return Sniffed(FileKind.JSON)
    if first == b"{":
        return Sniffed(_json_or_lines(stripped, complete))
    if first == b"<":
        return _markup(stripped)
    if stripped.startswith((b"HTTP/1.", b"HTTP/2")):
        return refused("an HTTP response dump (headers and body), not a page; save the body, or write a WARC")
    if _HTML_INSIDE.search(head):
        return Sniffed(FileKind.HTML)
    return Sniffed(FileKind.TEXT)


def _json_or_lines(stripped: bytes, complete: bool) -> FileKind:
    """JSON Lines when the first line is a whole JSON value by itself (or too long to tell: a one-line file
    reads the same either way); a pretty-printed object opens with a line that is not."""
    line, newline, rest = stripped.partition(b"\n")
    if not newline:
        return FileKind.JSON if complete else FileKind.JSON_LINES
    try:
        json.loads(line)
    except ValueError:
        return FileKind.JSON
    return FileKind.JSON_LINES if rest.strip() else FileKind.JSON


def _markup(stripped: bytes) -> Sniffed:
    if _DOCTYPE_HTML.match(stripped):
        return Sniffed(FileKind.HTML)
    prolog = _XML_PROLOG.match(stripped)
    body = stripped[prolog.end() if prolog else 0 :]
    root = _ROOT.match(body)
    if root is None:
        return Sniffed(FileKind.HTML) if _HTML_INSIDE.search(stripped) else Sniffed(FileKind.TEXT)
    name = root.group(1).lower()
    if name in _FEED_ROOTS:
        return Sniffed(FileKind.FEED)
    if name in _SITEMAP_ROOTS:
        return refused("a sitemap: it lists page addresses, and newsflow does not fetch pages")
    if name in _HTML_ELEMENTS:
        return Sniffed(FileKind.HTML)
    return refused(f"XML whose root element is <{name.decode('ascii', 'replace')}>: not a page, a feed or a WARC")
