"""Key phrases: candidates are split as in RAKE (Rose et al., 2010), scored by how often their words recur.

Candidates are runs of up to three words between stop words, numbers and punctuation. A word scores
how often it occurs in candidates; a phrase scores its occurrences times the mean score of its words,
with a bonus per extra word (a recurring two-word name beats its parts). RAKE's own degree/frequency
score was tried first: on news it ranks one-off three-word runs ("members attend government") above
the article's repeated themes.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter

from spacy.lang.en.stop_words import STOP_WORDS

from newsflow_schemas import Keyword

MAX_WORDS = 3
TOP = 10
_LENGTH_BONUS = 0.5
# Words (with inner apostrophes and hyphens) and single punctuation marks, which end a phrase.
_TOKEN = re.compile(r"\w+(?:['-]\w+)*|[^\w\s]")
# Reporting verbs and news filler: frequent in every article, key to none.
_EXTRA_STOPS = frozenset(
    [
        "said",
        "says",
        "told",
        "added",
        "according",
        "also",
        "year",
        "years",
        "time",
        "times",
        "like",
        "just",
        "new",
        "percent",
        "people",
        "mr",
        "mrs",
        "ms",
        "dr",
        "including",
        "make",
        "made",
        "way",
        "able",
        "sure",
        "end",
        "lot",
        "thing",
        "things",
    ]
)
_STOPS = frozenset(STOP_WORDS) | _EXTRA_STOPS


def keywords(title: str | None, body: str, top: int = TOP) -> list[Keyword]:
    """The `top` key phrases, best first, lower-cased; a phrase in the title counts twice."""
    phrases = _phrases(body) + 2 * _phrases(title or "")
    if not phrases:
        return []
    frequency = Counter(word for phrase in phrases for word in phrase)
    counts = Counter(phrases)
    scored = {
        " ".join(phrase): count
        * statistics.fmean(frequency[w] for w in phrase)
        * (1 + _LENGTH_BONUS * (len(phrase) - 1))
        for phrase, count in counts.items()
    }
    ranked = sorted(scored.items(), key=lambda item: (-item[1], item[0]))
    chosen: list[Keyword] = []
    for text, score in ranked:
        # A phrase inside a better one adds nothing ("rights" under "human rights").
        if any(f" {text} " in f" {c.text} " for c in chosen):
            continue
        chosen.append(Keyword(text=text, score=round(score, 3)))
        if len(chosen) == top:
            break
    return chosen


def _phrases(text: str) -> list[tuple[str, ...]]:
    """Runs of content words between stop words, numbers and punctuation; runs too long are dropped."""
    phrases = []
    run: list[str] = []
    for token in _TOKEN.findall(text.lower().replace("’", "'")):
        word = token.removesuffix("'s")
        if word in _STOPS or not word[0].isalpha() or len(word) < 2 or word.endswith("n't"):
            if 0 < len(run) <= MAX_WORDS:
                phrases.append(tuple(run))
            run = []
        else:
            run.append(word)
    if 0 < len(run) <= MAX_WORDS:
        phrases.append(tuple(run))
    return phrases
