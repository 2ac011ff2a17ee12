"""Numbers in the text with what they count: "approximately 12,000 out of almost 17,000 Iranians".

Read with one regular expression per number (linear in the text) and a look at the words after it;
years are dates, not figures, and are left to the named-entity DATE kind.
"""

from __future__ import annotations

import itertools
import re

from newsflow_schemas import Figure

_QUALIFIERS = (
    "about|approximately|around|roughly|nearly|almost|some|over|under|more than|less than|fewer than|"
    "at least|at most|up to|as many as|as much as|close to|just over|just under|an estimated|estimated|"
    "upwards of|in excess of"
)
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9}
_WORD_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100, "a hundred": 100, "dozens": None, "hundreds": None, "thousands": None,
    "millions": None, "billions": None, "a dozen": 12, "a million": 1e6, "a billion": 1e9,
}  # fmt: skip
_CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
    "yen": "JPY", "yuan": "CNY", "rupees": "INR", "rials": "IRR", "roubles": "RUB", "rubles": "RUB",
}  # fmt: skip
_UNITS = {
    "km", "kilometres", "kilometers", "miles", "metres", "meters", "feet", "kg", "kilograms", "tonnes",
    "tons", "barrels", "litres", "liters", "gallons", "acres", "hectares", "degrees", "mph", "mw", "gw",
    "megawatts", "gigawatts", "years", "months", "weeks", "days", "hours", "minutes", "seconds",
    "inches", "inch", "cm", "mm", "horsepower", "hp", "kwh", "lb", "lbs", "ounces", "pounds-feet", "knots",
}  # fmt: skip
_NUMBER = re.compile(
    rf"(?<![\w.,:/$€£¥₹])(?:(?P<qualifier>{_QUALIFIERS})\s+)?"
    r"(?P<currency>US\$|[$€£¥₹])?\s?"
    rf"(?P<number>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|(?:{'|'.join(_WORD_NUMBERS)})(?=\s+(?:of\s+)?[a-zA-Z]))"
    rf"(?:\s?(?P<scale>{'|'.join(_SCALES)})\b)?"
    r"(?P<percent>\s?%|\s(?:percent|per cent)\b)?",
    re.IGNORECASE,
)
_FOLLOWING_WORD = re.compile(r"\s+(?:of\s+)?([A-Za-z][A-Za-z'’-]*)")
# Words that end the run of words naming what a number counts.
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "who",
        "which",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "their",
        "his",
        "her",
        "they",
        "we",
        "i",
        "he",
        "she",
        "them",
        "us",
        "you",
        "whom",
        "out",
        "than",
        "per",
        "each",
        "into",
        "over",
        "under",
        "after",
        "before",
        "since",
        "during",
        "while",
        "when",
        "where",
        "said",
        "says",
        "across",
        "against",
        "between",
    ]
)
_MAX_UNIT_WORDS = 2
_RANGE = re.compile(r"\s+(?:to|or)\s+\w")


def figures(text: str) -> list[Figure]:
    """Every number that counts or measures something, in order; not years, times or ordinals."""
    found = []
    for match in _NUMBER.finditer(text):
        figure = _figure(text, match)
        if figure is not None:
            found.append(figure)
    _share_units(text, found)
    return found


def _figure(text: str, match: re.Match[str]) -> Figure | None:
    number = match["number"]
    after = text[match.end() : match.end() + 3]
    if re.match(r"(?:st|nd|rd|th|s)\b|[-:/]\d|\.\d", after):  # ordinals, decades, times, dates
        return None
    if match["currency"] is None and not match["percent"] and not match["scale"] and _is_year(number):
        return None
    words, words_end = _unit(text, match.end())
    unit: str | None
    head = words.split()[0].lower() if words else ""
    end = max(match.end(), words_end)
    if match["percent"]:
        kind, unit, end = "percent", "%", match.end()
    elif match["currency"]:
        kind, unit, end = "money", _CURRENCY_SYMBOLS[match["currency"]], match.end()
    elif head in _CURRENCY_WORDS:
        kind, unit = "money", _CURRENCY_WORDS[head]
    elif head in _UNITS:
        kind, unit = "quantity", words
    elif words is None and number.lower() in _WORD_NUMBERS and not _RANGE.match(text, match.end()):
        return None  # "one" alone is a pronoun more often than a count
    elif words is None and not match["qualifier"] and not match["scale"]:
        return None  # a bare number (a score, a page, a list item) counts nothing we can name
    else:
        kind, unit = "count", words
    start = match.start("qualifier") if match["qualifier"] else match.start()
    return Figure(
        text=text[start:end].strip(),
        value=_value(number, match["scale"]),
        kind=kind,  # type: ignore[arg-type]  # one of the Literal's values, by the branches above
        unit=unit,
        qualifier=match["qualifier"].lower() if match["qualifier"] else None,
        start=start,
        end=end,
    )


def _unit(text: str, position: int) -> tuple[str | None, int]:
    """Up to two words after the number, before a function word or punctuation: what it counts."""
    words: list[str] = []
    end = position
    if _RANGE.match(text, position):
        return None, position  # "two to three months": the second number says what both count
    while len(words) < _MAX_UNIT_WORDS:
        match = _FOLLOWING_WORD.match(text, end)
        if match is None or match[1].lower() in _STOP or (match[0].lstrip().startswith("of") and words):
            break
        words.append(match[1])
        end = match.end()
    if len(words) == 2 and (words[0].lower() in _UNITS or words[0].endswith("s")):
        # "years ago", "people familiar", "employees beginning": a plural or a unit ends the noun.
        end = _FOLLOWING_WORD.match(text, position).end()  # type: ignore[union-attr]  # matched above
        words = words[:1]
    if words and len(words[0]) < 2:
        return None, position  # "1 p.m.": a letter is no unit
    return (" ".join(words) if words else None), end


def _share_units(text: str, found: list[Figure]) -> None:
    """ "12,000 out of 17,000 Iranians": the first number counts what the second does."""
    for first, second in itertools.pairwise(found):
        between = text[first.end : second.start].strip().lower()
        if first.unit is None and between in ("out of", "to", "or", "and", "-", "–"):
            first.unit = second.unit
            first.kind = second.kind


def _is_year(number: str) -> bool:
    return number.isdigit() and len(number) == 4 and 1500 <= int(number) <= 2100


def _value(number: str, scale: str | None) -> float | None:
    word = number.lower()
    if word in _WORD_NUMBERS:
        value = _WORD_NUMBERS[word]
        return None if value is None else float(value)
    value = float(number.replace(",", ""))
    return value * _SCALES[scale.lower()] if scale else value
