"""Near-duplicate articles: MinHash band keys to find candidates by index, word-shingle overlap to decide.

Two texts are near-duplicates when most of the shorter one's word 3-shingles are in the other
(containment), which holds for a copy that was trimmed, wrapped in page furniture or reordered a
little. Candidates come from LSH: 64 MinHash values in 32 bands of 2; articles sharing any band key
are compared. Threshold and band layout were chosen on the pairs of `newsflow eval duplicates`
(harness/newsflow_harness/evaluation/duplicates.py): there every copy reached 0.63 and every distinct pair stayed
under 0.39, while SimHash distances of the two overlapped (and a Hamming radius of 18 bits cannot be
looked up by index).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

SHINGLE = 3
PERMUTATIONS = 64
ROWS = 2  # MinHash values per band: a pair with Jaccard J shares a band with probability 1-(1-J^2)^32
BANDS = PERMUTATIONS // ROWS
THRESHOLD = 0.5
# Containment is shared shingles over the smaller set's size, but never over fewer than this, so
# that a sentence or two found in a long article does not make a copy of it. The test set is
# indifferent from 1 to 75.
MIN_SHINGLES = 50

# A Chinese or Japanese character is a word of its own (those scripts put no spaces between words);
# else runs of \w (Korean writes spaces, so Hangul stays in runs).
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]|\w+")
_PRIME = np.uint64((1 << 61) - 1)
_LOW32 = np.uint64(0xFFFFFFFF)


def _permutations() -> tuple[np.ndarray, np.ndarray]:
    # Fixed, not random: band keys are stored, so they must be the same in every process and release.
    digests = [hashlib.blake2b(f"newsflow-minhash-{i}".encode(), digest_size=8).digest() for i in range(PERMUTATIONS)]
    a = np.array([int.from_bytes(d[:4], "big") | 1 for d in digests], dtype=np.uint64)
    b = np.array([int.from_bytes(d[4:], "big") for d in digests], dtype=np.uint64)
    return a[:, None], b[:, None]


_A, _B = _permutations()


def words(text: str) -> list[str]:
    """The lower-cased words that shingles are made of."""
    return _WORD.findall(text.lower())


def word_shingles(text: str) -> frozenset[str]:
    """The set of overlapping runs of three lower-cased words; one run of all words when there are fewer."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def minhash(shingles: Iterable[str]) -> np.ndarray:
    """PERMUTATIONS 32-bit MinHash values of a shingle set (all 2**32-1 for an empty set)."""
    hashes = np.fromiter(
        (int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "big") for s in shingles),
        dtype=np.uint64,
    )
    if hashes.size == 0:
        return np.full(PERMUTATIONS, 0xFFFFFFFF, dtype=np.uint64)
    # a, h < 2**32, so a*h + b < 2**64: no overflow before the modulus.
    return (((_A * hashes[None, :] + _B) % _PRIME) & _LOW32).min(axis=1)


def band_keys(shingles: Iterable[str]) -> list[int]:
    """One signed 64-bit key per band (band number included), to store and to look up by index."""
    signature = minhash(shingles)
    if not signature.size or (signature == 0xFFFFFFFF).all():
        return []  # no words: nothing to match on
    keys = []
    for band in range(BANDS):
        values = signature[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(band.to_bytes(2, "big") + values.astype(">u4").tobytes(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def resemblance(a: frozenset[str], b: frozenset[str]) -> float:
    """How much of the shorter text the other contains (0..1); identical short texts count as 1."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    jaccard = shared / len(a | b)
    containment = shared / max(min(len(a), len(b)), MIN_SHINGLES)
    return max(jaccard, containment)


@dataclass(frozen=True)
class Match:
    article_id: str
    resemblance: float


def best_match(
    shingles: frozenset[str], candidates: Iterable[tuple[str, str]], threshold: float = THRESHOLD
) -> Match | None:
    """The candidate (article_id, body) this text nearly duplicates most, if any reaches the threshold."""
    best: Match | None = None
    for article_id, body in candidates:
        score = resemblance(shingles, word_shingles(body))
        if score >= threshold and (best is None or score > best.resemblance):
            best = Match(article_id, score)
    return best
