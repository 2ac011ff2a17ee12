"""The article body from trafilatura's XML, without the titles, teasers, link lists and notices it keeps."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from lxml import etree
from trafilatura.settings import Document
from trafilatura.xml import xmltotxt

from .boilerplate import is_notice

# trafilatura's block elements that hold text directly.
BLOCK_TAGS = ("p", "head", "item", "quote")
# The title and standfirst come first; a heading further down is a section of the story.
LEADING_BLOCKS = 3
# A block this much covered by the page's link texts points to other pages rather than telling the story.
MIN_LINK_SHARE = 0.8
# One to three linked words are a name, a source or a product mentioned in the story, not a teaser.
MIN_LINK_BLOCK_WORDS = 4
# Bounds on the link search, which costs words x link lengths: a headline or a teaser card is far
# shorter than these; a hostile page of thousands of long links cannot make it slow.
MAX_LINK_WORDS = 100
MAX_LINK_BLOCK_WORDS = 400
MAX_LINK_CHECKED_WORDS = 10_000

_WORD = re.compile(r"\w+")
# A cited address is part of the story even when it is a link.
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)


@dataclass(frozen=True)
class LinkIndex:
    """The page's link texts as word tuples, and their lengths by first word to look them up."""

    texts: set[tuple[str, ...]]
    lengths: defaultdict[str, set[int]]


def article_text(document: Document, tree: etree._Element) -> str:
    """The story text of trafilatura's result for the page `tree`; its plain text when cleaning leaves nothing."""
    if document.body is None:
        return document.text or ""
    cleaned = clean_body(document.body, document.title, link_index(tree))
    return cleaned if cleaned.strip() else document.text or ""


def link_index(tree: etree._Element) -> LinkIndex:
    """The text of every link of the page, for finding blocks that are only links."""
    index = LinkIndex(set(), defaultdict(set))
    for anchor in tree.iter("a"):
        words = tuple(_words(" ".join(anchor.itertext())))
        if 0 < len(words) <= MAX_LINK_WORDS:
            index.texts.add(words)
            index.lengths[words[0]].add(len(words))
    return index


def clean_body(body: etree._Element, title: str | None, links: LinkIndex) -> str:
    """trafilatura's body as text, without the blocks that are not the story; the body is changed."""
    blocks = _leaf_blocks(body)
    title_words = _words(title or "")
    dropped = [
        *(block for block in blocks[:LEADING_BLOCKS] if title_words and _words(_text(block)) == title_words),
        *_leading_headings(blocks),
        *_teaser_items(body),
        *(block for block in blocks if is_notice(_text(block))),
        *_link_blocks(blocks, links),
    ]
    for block in dropped:
        _drop(block)
    return xmltotxt(body, False)


def link_share(words: list[str], links: LinkIndex) -> float:
    """The share of the words that stand inside a run matching one of the page's link texts."""
    if not words:
        return 0.0
    covered = [False] * len(words)
    for start, word in enumerate(words):
        for length in links.lengths.get(word, ()):
            if start + length <= len(words) and tuple(words[start : start + length]) in links.texts:
                covered[start : start + length] = [True] * length
    return sum(covered) / len(words)


def _link_blocks(blocks: list[etree._Element], links: LinkIndex) -> list[etree._Element]:
    """The blocks that only point to other pages: related stories, teasers, link lists."""
    found = []
    checked = 0
    for block in blocks:
        text = _text(block)
        words = _words(text)
        if not MIN_LINK_BLOCK_WORDS <= len(words) <= MAX_LINK_BLOCK_WORDS or _URL.search(text):
            continue
        if _has_loose_text_after(block):
            continue
        checked += len(words)
        if checked > MAX_LINK_CHECKED_WORDS:
            break
        if link_share(words, links) >= MIN_LINK_SHARE:
            found.append(block)
    return found


def _leading_headings(blocks: list[etree._Element]) -> list[etree._Element]:
    """The headings before the first paragraph: the page's title, kicker and standfirst."""
    headings = []
    for block in blocks[:LEADING_BLOCKS]:
        if block.tag != "head":
            break
        headings.append(block)
        if _has_loose_text_after(block):  # the story starts right after it, unwrapped
            break
    return headings


def _teaser_items(body: etree._Element) -> list[etree._Element]:
    """List items made of headings: cards that lead to other stories."""
    return [item for item in body.iter("item") if item.find(".//head") is not None]


def _leaf_blocks(body: etree._Element) -> list[etree._Element]:
    """The blocks that hold no other block, in document order."""
    return [block for block in body.iter(*BLOCK_TAGS) if next(block.iterdescendants(*BLOCK_TAGS), None) is None]


def _drop(block: etree._Element) -> None:
    parent = block.getparent()
    if parent is None:
        return
    if _has_loose_text_after(block):
        # Story text that trafilatura left unwrapped follows the block: keep it, empty the block.
        block.text = None
        for child in list(block):
            block.remove(child)
        return
    parent.remove(block)


def _has_loose_text_after(block: etree._Element) -> bool:
    return bool(block.tail and block.tail.strip())


def _text(block: etree._Element) -> str:
    return " ".join("".join(block.itertext()).split())


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())
