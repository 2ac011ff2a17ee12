"""RSS 2.0, RSS 1.0 and Atom feeds: one article per item that carries its content.

An item with `content:encoded`, Atom `content` or a long `description` is an article with the item's own
link, title, authors and date. An item with only a summary and a link is reported as needing fetching:
newsflow does not fetch pages, so the scraper must fetch the link and send the page.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from ..scrapers import ScraperFieldError, parse_date
from .items import Article, Skip

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
    "rss1": "http://purl.org/rss/1.0/",
}
# A description of at least this many words is the article itself, not a teaser.
LONG_DESCRIPTION_WORDS = 150
NEEDS_FETCHING = "needs fetching: only a summary and a link (newsflow does not fetch pages)"
_TAG = re.compile(r"<[^>]{0,2000}>")
_EMAIL_NAME = re.compile(r"^[^\s@()]{1,200}@[^\s()]{1,200}\s*\(([^()]{1,200})\)$")


class FeedError(ValueError):
    pass


def _parser() -> etree.XMLParser:
    # No entities, no network, no huge trees (FACTS.md: hostile input); recover from sloppy feeds.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True, load_dtd=False)


def read_feed(data: bytes, source: str) -> Iterator[Article | Skip]:
    root = etree.fromstring(data, _parser())
    if root is None:
        raise FeedError("not well-formed XML")
    name = etree.QName(root).localname.lower()
    if name == "feed":
        entries = root.findall("atom:entry", NS) or root.findall("entry")
        for number, entry in enumerate(entries, 1):
            yield _judged(_atom_entry(entry), number, source)
    else:
        channel = root.find("channel")
        items = (channel.findall("item") if channel is not None else []) or root.findall("rss1:item", NS)
        items = items or root.findall(".//item")
        for number, item in enumerate(items, 1):
            yield _judged(_rss_item(item), number, source)


def _judged(found: dict[str, Any], number: int, source: str) -> Article | Skip:
    where = f"item {number}"
    if "html" in found or "text" in found:
        return Article({"source": source, **found}, where)
    return Skip(NEEDS_FETCHING, where, found.get("url") or "no link either")


def _text(element: Any, path: str) -> str | None:
    found = element.find(path, NS)
    if found is None:
        return None
    value = "".join(found.itertext()).strip()
    return value or None


def _rss_item(item: Any) -> dict[str, Any]:
    def first(*paths: str) -> str | None:
        return next((v for p in paths if (v := _text(item, p))), None)

    found: dict[str, Any] = {}
    link = first("link", "rss1:link") or _permalink(item)
    title = first("title", "rss1:title")
    description = first("description", "rss1:description")
    content = first("content:encoded")
    _put(found, url=link, title=title, published_at=first("pubDate", "dc:date"))
    authors = [_rss_author(a) for p in ("author", "dc:creator") for a in _all_text(item, p)]
    if authors:
        found["authors"] = authors
    image = _image(item)
    if image:
        found["image_url"] = image
    _put_body(found, ("html", content) if content else None, description)
    return found


def _atom_entry(entry: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    title = _text(entry, "atom:title")
    link = next(
        (
            el.get("href")
            for el in entry.findall("atom:link", NS)
            if el.get("rel", "alternate") == "alternate" and el.get("href")
        ),
        None,
    )
    # The entry's own date: published, else its updated (never the feed's).
    _put(found, url=link, title=title, published_at=_text(entry, "atom:published") or _text(entry, "atom:updated"))
    authors = [n for a in entry.findall("atom:author", NS) if (n := _text(a, "atom:name"))]
    if authors:
        found["authors"] = authors
    summary = _text(entry, "atom:summary")
    content = entry.find("atom:content", NS)
    _put_body(found, _atom_content(content) if content is not None else None, summary)
    return found


def _put_body(found: dict[str, Any], body: tuple[str, str] | None, summary: str | None) -> None:
    """The item's content ("html" or "text", value) is its article and the summary its description; without
    content a long summary is the article, and a short one only a description (the item needs fetching)."""
    if body is not None:
        kind, value = body
        found[kind] = _page(found, value) if kind == "html" else value
        _put(found, description=_plain(summary) if summary else None)
    elif summary and _words(summary) >= LONG_DESCRIPTION_WORDS:
        found["html"] = _page(found, summary)
    elif summary:
        found["description"] = _plain(summary)


def _atom_content(content: Any) -> tuple[str, str] | None:
    """("html", markup) or ("text", text); None for out-of-line content (src=) or an empty element."""
    if content.get("src"):
        return None
    kind = (content.get("type") or "text").lower()
    if kind == "xhtml":
        markup = "".join(etree.tostring(child, encoding="unicode") for child in content)
        return ("html", markup) if markup.strip() else None
    value = "".join(content.itertext()).strip()
    if not value:
        return None
    return ("html", value) if kind in ("html", "text/html") else ("text", value)


def _permalink(item: Any) -> str | None:
    guid = item.find("guid")
    if guid is not None and guid.get("isPermaLink", "true").lower() == "true":
        value = (guid.text or "").strip()
        return value if value.startswith(("http://", "https://")) else None
    return None


def _rss_author(value: str) -> str:
    """RSS 2.0's author is an e-mail address, usually followed by the name: "news@x.org (Jane Roe)"."""
    found = _EMAIL_NAME.match(value)
    return found.group(1).strip() if found else value


def _all_text(element: Any, path: str) -> list[str]:
    return [v for el in element.findall(path, NS) if (v := "".join(el.itertext()).strip())]


def _image(item: Any) -> str | None:
    for el in item.findall("enclosure"):
        if (el.get("type") or "").startswith("image/") and el.get("url"):
            return str(el.get("url"))
    for path in ("media:content", "media:thumbnail"):
        for el in item.findall(path, NS):
            if el.get("url") and (el.get("medium") in (None, "image")):
                return str(el.get("url"))
    return None


def _put(found: dict[str, Any], **values: str | None) -> None:
    found.update({k: v for k, v in values.items() if v})


def _plain(markup: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", markup)).split())


def _words(markup: str) -> int:
    return len(_plain(markup).split())


def _page(found: dict[str, Any], body_html: str) -> str:
    """An item's content as a small page, with the item's own metadata where the parser looks for it
    (title, author and date meta tags, the canonical link), so the parsed article keeps the feed's."""
    title = found.get("title")
    head = [f"<title>{html.escape(title)}</title>"] if title else []
    if found.get("url"):
        head.append(f'<link rel="canonical" href="{html.escape(found["url"])}">')
    if found.get("published_at"):
        with contextlib.suppress(ScraperFieldError):
            when = parse_date(found["published_at"], "pubDate").isoformat()
            head.append(f'<meta property="article:published_time" content="{html.escape(when)}">')
    head += [f'<meta name="author" content="{html.escape(a)}">' for a in found.get("authors", [])]
    if found.get("image_url"):
        head.append(f'<meta property="og:image" content="{html.escape(found["image_url"])}">')
    heading = f"<h1>{html.escape(title)}</h1>" if title else ""
    return f"<html><head>{''.join(head)}</head><body><article>{heading}{body_html}</article></body></html>"
