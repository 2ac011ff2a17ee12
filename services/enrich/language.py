"""Detect an article's language with py3langid and the model shipped inside that package."""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Below this many letters the guess is noise ("Hello there" comes out as Sesotho).
MIN_LETTERS = 20
# The opening of a long text decides its language as well as the whole would; this bounds the work.
MAX_CHARS = 20_000
# The model's code for "no linguistic content" (numbers, symbols).
_NO_LANGUAGE = "zxx"
# A prose line has this many words, at least this share of them starting in lower case: results tables,
# lists of names and all-caps headlines do not, and their names read as another language.
MIN_PROSE_WORDS = 6
MIN_LOWER_SHARE = 0.3
# Below this many letters of prose its guess is unsure (a table's few sentences are mostly names).
MIN_PROSE_LETTERS = 400


@cache
def _identifier() -> LanguageIdentifier:
    # Read-only once loaded (about 0.6 s), so one per process is safe to share.
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code and its probability (0..1); (None, 0.0) when the text is too short to tell."""
    sample = text[:MAX_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None, 0.0
    language, probability = _identifier().classify(sample)
    if language == _NO_LANGUAGE:
        return None, 0.0
    return language, round(probability, 4)


def prose(text: str) -> str:
    """The lines of `text` that read as running sentences, not tables, lists or headlines."""
    lines = []
    for line in text.splitlines():
        words = [w for w in line.split() if w[:1].isalpha()]
        if len(words) >= MIN_PROSE_WORDS and sum(w[0].islower() for w in words) >= MIN_LOWER_SHARE * len(words):
            lines.append(line)
    return "\n".join(lines)


def connecting_words(text: str) -> str:
    """The words of `text` that start in lower case: in a results table or a list, the words between the
    names and numbers ("of", "first division", "not out"), which are in the text's language."""
    return " ".join(word for word in text.split() if word[:1].islower())
