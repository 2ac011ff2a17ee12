"""The article object a page describes in JSON-LD (schema.org): headline, authors, dates, image."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.html

# Blocks beyond these sizes are not metadata but a data dump; they are skipped, not parsed.
MAX_BLOCK_CHARS = 200_000
MAX_BLOCKS = 20
MAX_NODES = 500
_ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "blogposting", "liveblogposting", "socialmediaposting", "techarticle", "scholarlyarticle", "report",
    "webpage", "claimreview",
}  # fmt: skip


@dataclass
class LinkedData:
    """What the best article object says; empty fields where it says nothing."""

    headline: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    image: str | None = None


def read_linked_data(tree: lxml.html.HtmlElement) -> LinkedData:
    nodes = list(_nodes(tree))
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    articles = [node for node in nodes if _types(node) & _ARTICLE_TYPES]
    # A page's own article outranks the WebPage that wraps it; among equals, the first one.
    articles.sort(key=lambda node: "webpage" in _types(node) or "claimreview" in _types(node))
    found = LinkedData()
    for node in articles:
        found.headline = found.headline or _text(node.get("headline"))
        found.authors = found.authors or _person_names(node.get("author"), by_id)
        found.published = found.published or _text(node.get("datePublished"))
        found.modified = found.modified or _text(node.get("dateModified"))
        found.image = found.image or _image_url(node.get("image"), by_id)
    return found


def _nodes(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object of the page's JSON-LD blocks, @graph members included, up to MAX_NODES."""
    count = 0
    for script in list(tree.iterfind(".//script[@type='application/ld+json']"))[:MAX_BLOCKS]:
        text = _without_cdata(script.text or "")
        if len(text) > MAX_BLOCK_CHARS:
            continue
        try:
            data = json.loads(text)
        except ValueError:  # broken JSON-LD is common; the page's other metadata still counts
            continue
        stack = data if isinstance(data, list) else [data]
        while stack and count < MAX_NODES:
            item = stack.pop(0)
            if not isinstance(item, dict):
                continue
            count += 1
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(graph)


def _without_cdata(text: str) -> str:
    """The JSON inside a CDATA wrapper (`<![CDATA[ {...} ]]>`, also behind `//`), which XHTML templates add."""
    stripped = text.strip()
    for opening in ("<![CDATA[", "//<![CDATA[", "/*<![CDATA[*/"):
        if stripped.startswith(opening):
            stripped = stripped.removeprefix(opening)
            for closing in ("/*]]>*/", "//]]>", "]]>"):
                if stripped.rstrip().endswith(closing):
                    return stripped.rstrip().removesuffix(closing)
    return text


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.casefold() for k in kinds if isinstance(k, str)}


def _person_names(author: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    names = []
    for item in author if isinstance(author, list) else [author]:
        if isinstance(item, str):
            names.append(item)
            continue
        if not isinstance(item, dict):
            continue
        if "name" not in item and isinstance(item.get("@id"), str):
            item = by_id.get(item["@id"], item)  # Yoast and others point at a Person in @graph
        if "organization" in _types(item) or "newsmediaorganization" in _types(item):
            continue
        if name := _text(item.get("name")):
            names.append(name)
    return names


def _image_url(image: Any, by_id: dict[str, dict[str, Any]]) -> str | None:
    if isinstance(image, list):
        image = image[0] if image else None
    if isinstance(image, dict):
        if "url" not in image and isinstance(image.get("@id"), str):
            image = by_id.get(image["@id"], image)
        image = image.get("url") or image.get("contentUrl")
    return _text(image)


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    # Some CMSs write HTML entities into JSON-LD strings ("&#163;71.6m").
    return html.unescape(value).strip() or None if isinstance(value, str) else None
