"""Body-extraction quality as the Zyte article-extraction benchmark defines it.

Tokens are `\\w+` matches; a text is the multiset of its 4-token shingles. Per page, TP/FP/FN are the
shingle counts both share / only the prediction has / only the truth has, normalised to sum to 1.
Precision and recall are averaged over pages and F1 is taken from those two averages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

SHINGLE_SIZE = 4
_TOKEN = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if len(tokens) < size:  # a text shorter than one shingle is its own single shingle
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


@dataclass(frozen=True)
class PageScore:
    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def exact(self) -> bool:
        return self.fp == 0 and self.fn == 0


def score_page(predicted: str, truth: str) -> PageScore:
    pred, true = shingles(predicted), shingles(truth)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    if total == 0:  # both empty: nothing to find and nothing found
        return PageScore(1.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


@dataclass(frozen=True)
class Summary:
    pages: int
    precision: float
    recall: float
    f1: float
    exact: float


def f1_score(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def summarise(scores: Iterable[PageScore]) -> Summary:
    scores = list(scores)
    if not scores:
        return Summary(0, 0.0, 0.0, 0.0, 0.0)
    precision = sum(s.precision for s in scores) / len(scores)
    recall = sum(s.recall for s in scores) / len(scores)
    f1 = f1_score(precision, recall)
    exact = sum(s.exact for s in scores) / len(scores)
    return Summary(len(scores), precision, recall, f1, exact)
