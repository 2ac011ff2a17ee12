"""Lexicon tone in the GDELT style: the share of positive minus the share of negative words.

The lexicon is VADER's (shipped in the vaderSentiment package; MIT licence), read as a word list only:
a word counts as positive or negative when its mean human rating is at least MIN_VALENCE away from
neutral. No negation or intensifier rules - as in GDELT's tone, the score is about the vocabulary.
"""

from __future__ import annotations

import importlib.resources
import re
from functools import cache

from newsflow_schemas import Tone

# VADER rates words from -4 to +4; weaker words ("some", "fine") say little about tone.
MIN_VALENCE = 1.0
_WORD = re.compile(r"[a-z]+(?:['’-][a-z]+)*")


@cache
def _lexicon() -> dict[str, float]:
    text = (importlib.resources.files("vaderSentiment") / "vader_lexicon.txt").read_text(encoding="utf-8")
    lexicon = {}
    for line in text.splitlines():
        word, valence, *_ = line.split("\t")
        if word.isalpha() and abs(float(valence)) >= MIN_VALENCE:
            lexicon[word] = float(valence)
    return lexicon


def tone(text: str) -> Tone:
    """Positive and negative words as percentages of all words, and their difference."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    lexicon = _lexicon()
    valences = [lexicon[w] for w in words if w in lexicon]
    positive = sum(1 for v in valences if v > 0)
    negative = len(valences) - positive
    total = len(words) or 1
    pos, neg = 100 * positive / total, 100 * negative / total
    return Tone(
        score=round(pos - neg, 2),
        positive=round(pos, 2),
        negative=round(neg, 2),
        polarity=round(pos + neg, 2),
        words=len(words),
    )
