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
