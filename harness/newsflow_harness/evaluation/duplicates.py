"""`newsflow eval duplicates`: a near-duplicate test set made from the dev pages, and how the store's decision does.

Positives are one article twice: the hand-cut ground truth against our parse of the HTML and against
trafilatura's (the same text under another extractor's idea of the page), trimmed by 10-30%, wrapped
in page furniture (navigation, cookie, newsletter, related links), with paragraphs swapped, and all of
those at once. Negatives are different articles: random pairs, pairs from the same site, pairs wrapped
in the same furniture, an article quoting a passage of another, and the two seeds (one story told
twice in different words, which must not count as a copy).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from services.enrich.fingerprint import hamming, simhash
from services.store.duplicates import THRESHOLD, band_keys, resemblance, word_shingles, words

from .extraction import load_pages, newsflow_body, trafilatura_body

# What scrapers drag in around an article; each line becomes a paragraph of its own.
FURNITURE = (
    "Home | News | World | Business | Politics | Sport | Opinion | Culture | Video",
    "Sign up for our daily newsletter and get the top stories delivered to your inbox every morning.",
    "We use cookies to improve your experience on our site. By continuing to browse, you agree to our use of "
    "cookies. Read our privacy policy to find out more.",
    "Related: Five things you need to know before the markets open today",
    "Related: The week in pictures",
    "Follow us on Twitter, Facebook and Instagram for the latest updates.",
    "© 2019 All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
    "Advertisement",
    "Most read: Why the housing market is cooling; Ten recipes for autumn; The best phones of the year",
    "Share this article: Facebook Twitter Email WhatsApp LinkedIn",
    "Comments are closed for this article. Please read our community guidelines.",
    "Subscribe now for unlimited access to all our journalism. Cancel anytime.",
)
POSITIVE_KINDS = ("our parse", "trafilatura", "trimmed", "furniture", "reordered", "all")
NEGATIVE_KINDS = ("unrelated", "same site", "same furniture", "quotes 15%", "seeds")
SWEEP = tuple(round(0.2 + 0.05 * i, 2) for i in range(15))
SIMHASH_SWEEP = (3, 6, 9, 12, 15, 18, 21, 24)


@dataclass(frozen=True)
class DevPage:
    page_id: str
    url: str
    truth: str
    newsflow: str
    trafilatura: str


@dataclass(frozen=True)
class Pair:
    kind: str
    duplicate: bool
    first: str
    second: str


@dataclass(frozen=True)
class Scored:
    pair: Pair
    candidate: bool  # the two share a MinHash band key: the store would compare them
    resemblance: float
    simhash_distance: int

    def decided(self, threshold: float = THRESHOLD) -> bool:
        return self.candidate and self.resemblance >= threshold


@dataclass(frozen=True)
class Counts:
    threshold: float
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_dev_pages(corpus: Path) -> list[DevPage]:
    """The dev pages with their true body and the bodies our parser and trafilatura extract."""
    return [
        DevPage(p.page_id, p.url or "", p.truth, newsflow_body(p.html, p.url), trafilatura_body(p.html, p.url))
        for p in load_pages(corpus)
        if p.truth.strip()
    ]


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.splitlines() if p.strip()]


def trimmed(text: str, share: float, rng: random.Random) -> str:
    """Without `share` of its words, mostly from the end and some from the start."""
    words = text.split(" ")
    cut = int(len(words) * share)
    head = rng.randint(0, cut // 3)
    return " ".join(words[head : len(words) - (cut - head)])


def furnished(text: str, rng: random.Random, count: int | None = None) -> str:
    """Inside 2-5 paragraphs of page furniture, some above and some below."""
    count = count or rng.randint(2, 5)
    lines = rng.sample(FURNITURE, count)
    above = rng.randint(0, count)
    return "\n\n".join(lines[:above] + paragraphs(text) + lines[above:])


def reordered(text: str, rng: random.Random) -> str:
    """Two neighbouring paragraphs swapped (two such swaps in a longer text)."""
    parts = paragraphs(text)
    for _ in range(1 if len(parts) <= 5 else 2):
        if len(parts) > 2:
            i = rng.randrange(len(parts) - 1)
            parts[i], parts[i + 1] = parts[i + 1], parts[i]
    return "\n\n".join(parts)


def with_passage(host: str, source: str, share: float, rng: random.Random) -> str:
    """`host` with a run of `source`'s words quoted between two of its paragraphs.

    The run is `share` of the source's distinct shingles long: a page that repeats itself (a recipe
    list, a results table) would otherwise give away most of its distinct text in a few words.
    """
    tokens = words(source)
    length = max(1, int(len(word_shingles(source)) * share))
    start = rng.randrange(max(1, len(tokens) - length))
    parts = paragraphs(host)
    parts.insert(rng.randint(0, len(parts)), "“" + " ".join(tokens[start : start + length]) + "”")
    return "\n\n".join(parts)


def build_pairs(pages: list[DevPage], seeds: list[str], seed: int = 2026) -> list[Pair]:
    """The labelled pairs; the same pages and seed give the same pairs."""
    rng = random.Random(seed)
    pairs: list[Pair] = []
    for page in pages:
        truth = page.truth
        if page.newsflow:
            pairs.append(Pair("our parse", True, truth, page.newsflow))
        if page.trafilatura:
            pairs.append(Pair("trafilatura", True, truth, page.trafilatura))
        pairs.append(Pair("trimmed", True, truth, trimmed(truth, rng.uniform(0.1, 0.3), rng)))
        pairs.append(Pair("furniture", True, truth, furnished(truth, rng)))
        pairs.append(Pair("reordered", True, truth, reordered(truth, rng)))
        changed = furnished(reordered(trimmed(truth, rng.uniform(0.1, 0.3), rng), rng), rng)
        pairs.append(Pair("all", True, page.newsflow or truth, changed))
    for n, page in enumerate(pages):
        others = [p for p in pages if p is not page]
        for other in rng.sample(others, 2):
            pairs.append(Pair("unrelated", False, page.truth, other.truth))
        neighbour = pages[(n + 1) % len(pages)]
        # The same furniture (same random choices) around two different articles of one site.
        pairs.append(
            Pair(
                "same furniture",
                False,
                furnished(page.truth, random.Random(n), 4),
                furnished(neighbour.truth, random.Random(n), 4),
            )
        )
        # An article at least as long, quoting 15% of this one.
        hosts = [p for p in others if len(p.truth.split()) >= len(page.truth.split())]
        if hosts:
            host = rng.choice(hosts)
            pairs.append(Pair("quotes 15%", False, page.truth, with_passage(host.truth, page.truth, 0.15, rng)))
    by_site: dict[str, list[DevPage]] = {}
    for page in pages:
        by_site.setdefault(urlparse(page.url).netloc, []).append(page)
    for site_pages in by_site.values():
        for i, first in enumerate(site_pages):
            for second in site_pages[i + 1 :]:
                pairs.append(Pair("same site", False, first.truth, second.truth))
    if len(seeds) == 2:
        pairs.append(Pair("seeds", False, seeds[0], seeds[1]))
    return pairs


@dataclass(frozen=True)
class _Signatures:
    shingles: frozenset[str]
    bands: frozenset[int]
    simhash: str


def score_pairs(pairs: Iterable[Pair]) -> list[Scored]:
    """Each pair with what the store would compute; a text used in several pairs is signed once."""
    signed: dict[str, _Signatures] = {}

    def signatures(text: str) -> _Signatures:
        if text not in signed:
            shingles = word_shingles(text)
            signed[text] = _Signatures(shingles, frozenset(band_keys(shingles)), simhash(text))
        return signed[text]

    scored = []
    for pair in pairs:
        first, second = signatures(pair.first), signatures(pair.second)
        scored.append(
            Scored(
                pair,
                candidate=bool(first.bands & second.bands),
                resemblance=resemblance(first.shingles, second.shingles),
                simhash_distance=hamming(first.simhash, second.simhash),
            )
        )
    return scored


def counts(scored: list[Scored], threshold: float) -> Counts:
    decided = [(s.pair.duplicate, s.decided(threshold)) for s in scored]
    return Counts(
        threshold,
        tp=sum(truth and got for truth, got in decided),
        fp=sum(got and not truth for truth, got in decided),
        fn=sum(truth and not got for truth, got in decided),
    )


def simhash_counts(scored: list[Scored], max_distance: int) -> Counts:
    """The same pairs decided by SimHash alone: duplicates when at most `max_distance` bits differ."""
    decided = [(s.pair.duplicate, s.simhash_distance <= max_distance) for s in scored]
    return Counts(
        max_distance,
        tp=sum(truth and got for truth, got in decided),
        fp=sum(got and not truth for truth, got in decided),
        fn=sum(truth and not got for truth, got in decided),
    )


def by_kind(scored: list[Scored], threshold: float = THRESHOLD) -> dict[str, tuple[int, int]]:
    """Per kind of pair: how many there are and how many the decision gets right."""
    out: dict[str, tuple[int, int]] = {}
    for s in scored:
        total, right = out.get(s.pair.kind, (0, 0))
        out[s.pair.kind] = (total + 1, right + (s.decided(threshold) == s.pair.duplicate))
    return out


def seed_texts(seeds_folder: Path) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(seeds_folder.glob("*.txt"))]
