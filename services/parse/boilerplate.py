"""Short notices that news pages put between and after the paragraphs: promotions, credits, licences,
date lines and reading times, in the languages the lexicon lists."""

from __future__ import annotations

import re

from .lexicon import DATE_LABELS, NOTICE_LABELS, NOTICE_OPENINGS, NOTICE_PHRASES, READING_TIME_WORDS

# A notice is a line or two; a longer block that merely mentions a newsletter is part of the story.
MAX_NOTICE_WORDS = 40
# A date line is the label, a date and perhaps a time and a name: longer blocks are story text.
MAX_DATE_LINE_WORDS = 12

_WORD = re.compile(r"\w+")


def _alternatives(phrases: tuple[str, ...]) -> str:
    # A phrase ending in a letter must end at a word boundary: "related" is not "relatedly".
    return "|".join(
        re.escape(phrase) + (r"\b" if phrase[-1].isalnum() else "") for phrase in sorted(phrases, key=len, reverse=True)
    )


_NOTICE_OPENING = re.compile(rf"^\W*(?:{_alternatives(NOTICE_OPENINGS)})", re.IGNORECASE)
_NOTICE_LABEL = re.compile(rf"^\W*(?:{_alternatives(NOTICE_LABELS)})\W*$", re.IGNORECASE)
_NOTICE_PHRASE = re.compile(_alternatives(NOTICE_PHRASES), re.IGNORECASE)
_DATE_LINE = re.compile(rf"^\W*(?:{_alternatives(DATE_LABELS)})", re.IGNORECASE)
_READING_TIME = re.compile(_alternatives(READING_TIME_WORDS), re.IGNORECASE)
_DIGIT = re.compile(r"\d")


def is_notice(text: str) -> bool:
    """True for a short block that is a promotion, credit, licence or date line rather than story text."""
    words = len(_WORD.findall(text))
    if words > MAX_NOTICE_WORDS:
        return False
    if _NOTICE_OPENING.search(text) or _NOTICE_LABEL.search(text) or _NOTICE_PHRASE.search(text):
        return True
    if words <= MAX_DATE_LINE_WORDS and _DIGIT.search(text):
        return bool(_DATE_LINE.search(text) or _READING_TIME.search(text))
    return False
