"""64-bit SimHash of a text: near-duplicate articles get fingerprints a few bits apart."""

from __future__ import annotations

import hashlib
import re

BITS = 64
SHINGLE = 3
_WORD = re.compile(r"\w+")


def shingles(text: str) -> list[str]:
    """Overlapping runs of three lower-cased words; one run of all words when there are fewer."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]


def simhash(text: str) -> str:
    """The SimHash over word 3-shingles, as 16 hex digits (all zeros for a text without words)."""
    # blake2b, not hash(): Python salts str hashes per process, and fingerprints must be comparable
    # across processes and releases.
    hashes = [
        format(int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big"), "064b")
        for s in shingles(text)
    ]
    # Column-wise counting of the bit strings keeps the per-bit loop in C; a repeated shingle counts
    # once per occurrence.
    majority = len(hashes) / 2
    bits = "".join("1" if column.count("1") > majority else "0" for column in zip(*hashes, strict=True))
    return f"{int(bits or '0', 2):016x}"


def hamming(a: str, b: str) -> int:
    """How many of the 64 bits two hex fingerprints differ in."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
