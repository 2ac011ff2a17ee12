"""HTML page -> article text and metadata with trafilatura, bounded against hostile pages."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from trafilatura import bare_extraction
from trafilatura.settings import Document

from services.common.errors import RejectedInput

from .agency import agency_name
from .body import article_text
from .byline import agency_in_byline, author_names, bylines_in_page, first_name_first, with_coauthors
from .dates import displayed_date
from .jsonld import read_linked_data
from .metadata import (
    AUTHOR_META,
    DUBLIN_CORE_CREATORS,
    TITLE_META,
    canonical_url,
    declared_language,
    image_url,
    meta_values,
    meta_values_by_name,
    one_line,
    published_at,
    updated_at,
)
from .parts import ArticleParts
from .text import drop_control_chars, tidy_text
from .title import headline

# trafilatura has no size or time limit, and a pure function cannot impose a timeout: SIGALRM only
# works in the main thread (FastStream may run handlers elsewhere) and Python cannot stop a thread.
# The time budget is therefore structural: extraction time grows with characters, elements,
# attributes and depth, so each is capped before trafilatura sees the page. The worst pages we could
# build (tests/parse/test_html.py) take under 2 s; dev-set news pages take about 27 ms.

# Real article pages are well under 2 MB of HTML; beyond 5 MB the rest is cut off (the article
# nearly always comes first) rather than refused.
MAX_HTML_CHARS = 5_000_000
# The largest dev-set page has about 1,600 elements; trafilatura needs about 70 µs per element.
MAX_ELEMENTS = 20_000
# trafilatura measures text and links again at every ancestor of an element, so its work grows with
# the sum of the elements' depths: at most about 20,000 on the dev set.
MAX_DEPTH_SUM = 200_000
# libxml2 compares each attribute with all earlier ones of its tag, and trafilatura and htmldate walk
# every attribute: an attribute bomb is slow twice. The largest dev-set page has 3,091 attributes and
# none has more than 40 on one element.
MAX_TAG_ATTRIBUTES = 100
MAX_ATTRIBUTES = 50_000
# htmldate drops dates after this when the fetch time is unknown; it would read the clock otherwise.
LATEST_DATE_WITHOUT_FETCH = "2100-01-01"
# htmldate keeps the time and offset when the markup has them.
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
# trafilatura's fast pass can miss the story on unusual templates (its text is then a fraction of the
# page's): below both bounds its full cascade (readability and jusText fallbacks) runs as well. Measured
# on readability-dev (written against), fundus-dev and extraction-dev: about one page in ten runs it.
FALLBACK_BELOW_CHARS = 1_200
FALLBACK_BELOW_PAGE_SHARE = 0.25

# A start tag long enough to hold MAX_TAG_ATTRIBUTES attributes ("a " each). Possessive repeats: no
# backtracking on 5 MB of hostile markup.
_LONG_TAG = re.compile(rf"<([A-Za-z][A-Za-z0-9:-]{{0,30}}+)(\s[^<>]{{{2 * MAX_TAG_ATTRIBUTES},}}+)>")
_QUOTED = re.compile(r'"[^"]*+"|\'[^\']*+\'')
# With the quoted values gone: `name`, `name=`, `name=value`.
_ATTRIBUTE = re.compile(r"[^\s=]++(?:=[^\s=]*+)?")


def extract_html(html: str, url: str | None = None, fetched_at: datetime | None = None) -> ArticleParts:
    """The article in a page; RejectedInput when the page holds no article text at all.

    `fetched_at` bounds the publication date (a page cannot be published after it was fetched).
    """
    warnings: list[str] = []
    if len(html) > MAX_HTML_CHARS:
        warnings.append(f"html truncated: read the first {MAX_HTML_CHARS} of {len(html)} characters")
        html = html[:MAX_HTML_CHARS]
    tree = _parse_tree(_strip_crowded_tags(drop_control_chars(html), warnings), warnings)
    document = bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        # The fallback extractors (readability, jusText) only when this pass finds little (below):
        # on most pages they change nothing, and on hostile pages they are most of the time.
        fast=True,
        date_extraction_params=_date_params(fetched_at),
    )
    if isinstance(document, Document):
        _fall_back_when_short(document, tree, url)
    # None when trafilatura found no text (and a dict only with as_dict=True).
    if not isinstance(document, Document) or not (body := _paragraphs(article_text(document, tree))):
        raise RejectedInput("no article text found in the html")
    return _with_metadata(ArticleParts(body=body, warnings=warnings), tree, document, url, fetched_at)


def _fall_back_when_short(document: Document, tree: lxml.html.HtmlElement, url: str | None) -> None:
    """Replace a fast-pass body that holds a small part of the page's text by the full cascade's, if longer."""
    found = len(document.text or "")
    if found >= FALLBACK_BELOW_CHARS or found >= FALLBACK_BELOW_PAGE_SHARE * len(tree.text_content()):
        return
    fuller = bare_extraction(tree, url=url, with_metadata=False, include_comments=False, fast=False)
    if isinstance(fuller, Document) and fuller.body is not None and len(fuller.text or "") > found:
        document.body, document.text = fuller.body, fuller.text


def _with_metadata(
    parts: ArticleParts, tree: lxml.html.HtmlElement, document: Document, url: str | None, fetched_at: datetime | None
) -> ArticleParts:
    """Fill `parts` from what the page states: JSON-LD, then meta tags, then trafilatura's guesses."""
    linked = read_linked_data(tree)
    parts.site_name = one_line(document.sitename)
    host = urlsplit(url).hostname if url else None
    stated_titles = [*meta_values(tree, TITLE_META), linked.headline, _title_tag(tree)]
    parts.title = headline(tree, stated_titles, parts.site_name, host)
    # The first source that names people wins; mixing them brings in publishers and duplicates.
    stated = [linked.authors, _meta_authors(tree), _written_in_page(document.author, tree)]
    parts.authors = next((names for s in stated if (names := author_names(s, parts.site_name, host))), [])
    # An agency credited beside the people ("Paula Steiger, SDA", "Von X mit dpa") is the agency too.
    parts.agency = agency_in_byline([byline for s in stated for byline in s[:2]])
    bylines = bylines_in_page(tree)
    if not parts.authors and not parts.agency:
        # The first visible byline that names people: later ones belong to teasers, comments, related stories.
        visible = (names for b in bylines if (names := author_names([b], parts.site_name, host)))
        parts.authors = next(visible, [])
    elif parts.authors:
        parts.authors = with_coauthors(parts.authors, bylines, parts.site_name, host)
    parts.agency_name = agency_name(parts.agency) if parts.agency else None
    latest = fetched_at + timedelta(days=1) if fetched_at else None
    parts.language = declared_language(tree)
    displayed = displayed_date(tree, parts.language, latest)
    parts.published_at = published_at(tree, linked.published, document.date, displayed, latest, parts.warnings)
    parts.updated_at = updated_at(tree, linked.modified, latest)
    parts.description = one_line(document.description)
    parts.canonical_url = canonical_url(tree, url)
    parts.image_url = image_url(tree, linked.image, url)
    return parts


def _meta_authors(tree: lxml.html.HtmlElement) -> list[str]:
    """The author meta tags' values in the order of AUTHOR_META; Dublin Core's as "First Last"."""
    found = meta_values_by_name(tree, AUTHOR_META)
    return [
        first_name_first(value) if name in DUBLIN_CORE_CREATORS else value
        for name in AUTHOR_META
        for value in found.get(name, [])
    ]


def _title_tag(tree: lxml.html.HtmlElement) -> str | None:
    title = tree.find(".//title")
    return title.text_content() if title is not None else None


def _written_in_page(byline: str | None, tree: lxml.html.HtmlElement) -> list[str]:
    """trafilatura's byline names, kept only as the page writes them: it re-cases user names ("Jdadmin")."""
    names = [name.strip() for name in (byline or "").split(";") if name.strip()]
    if not names:
        return []
    text = tree.text_content()
    return [name for name in names if name in text]


def _parse_tree(html: str, warnings: list[str]) -> lxml.html.HtmlElement:
    # huge_tree stays off: libxml2 then stops at depth 256 and at huge text nodes instead of
    # following a hostile page down. Bytes with an explicit encoding because lxml refuses a str
    # that carries an XML encoding declaration.
    parser = lxml.html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, huge_tree=False
    )
    try:
        tree = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except etree.ParserError as error:
        raise RejectedInput(f"html could not be parsed: {error}") from error
    if any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log):
        warnings.append("html nested too deep: content below the parser's depth limit was dropped")
    _drop_code(tree)
    kept, dropped = _drop_elements_over_budget(tree)
    if dropped:
        warnings.append(f"html too large or too deep: read the first {kept} of {kept + dropped} elements")
    if _clear_attributes_after(tree, MAX_ATTRIBUTES):
        warnings.append(f"html has more than {MAX_ATTRIBUTES} attributes: later elements read without them")
    return tree


def _strip_crowded_tags(html: str, warnings: list[str]) -> str:
    """The html with start tags of more than MAX_TAG_ATTRIBUTES attributes cut down to their name."""
    crowded = 0

    def strip(tag: re.Match[str]) -> str:
        nonlocal crowded
        if len(_ATTRIBUTE.findall(_QUOTED.sub("", tag[2]))) <= MAX_TAG_ATTRIBUTES:
            return tag[0]
        crowded += 1
        return f"<{tag[1]}>"

    html = _LONG_TAG.sub(strip, html)
    if crowded:
        warnings.append(f"html has {crowded} tags with over {MAX_TAG_ATTRIBUTES} attributes: read without them")
    return html


def _clear_attributes_after(tree: lxml.html.HtmlElement, limit: int) -> bool:
    """Clear the attributes of the elements after the first `limit` attributes; whether any were."""
    seen = 0
    for element in tree.iter():
        seen += len(element.attrib)
        if seen > limit:
            element.attrib.clear()
    return seen > limit


def _drop_code(tree: lxml.html.HtmlElement) -> None:
    """Remove scripts, styles and templates, which trafilatura discards anyway, before counting elements.

    JSON-LD stays: it carries the byline and the publication time.
    """
    for element in list(tree.iter("script", "style", "noscript", "template", "svg")):
        if element.tag == "script" and element.get("type", "").strip().lower() == "application/ld+json":
            continue
        element.drop_tree()  # keeps the text that follows the element


def _drop_elements_over_budget(tree: lxml.html.HtmlElement) -> tuple[int, int]:
    """Cut the tree, in document order, after MAX_ELEMENTS elements or MAX_DEPTH_SUM; (kept, dropped)."""
    depth = depth_sum = kept = 0
    late = []
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        depth += 1
        depth_sum += depth
        if kept < MAX_ELEMENTS and depth_sum <= MAX_DEPTH_SUM:
            kept += 1
        else:
            late.append(element)
    for element in late:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    return kept, len(late)


def _date_params(fetched_at: datetime | None) -> dict[str, object]:
    latest = (fetched_at.date() + timedelta(days=1)).isoformat() if fetched_at else LATEST_DATE_WITHOUT_FETCH
    # htmldate's extensive search reads dates in the text too: used when the markup states none and the
    # page displays no labelled date (dates.py), it finds more than it gets wrong on all three dev sets.
    return {
        "original_date": True,
        "extensive_search": True,
        "max_date": latest,
        "outputformat": _DATE_FORMAT,
    }


def _paragraphs(text: str) -> str:
    """trafilatura gives one line per block; a blank line between them marks the paragraphs."""
    return "\n\n".join(line for line in tidy_text(text).split("\n") if line)
