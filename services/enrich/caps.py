"""Names in all-caps lines (headlines, wire slugs): the model reads them badly, the body names them well.

In an all-caps line only names the body also uses are kept (typed as in the body), and every name the
body uses is found there too, whatever the model said about the line.
"""

from __future__ import annotations

import re

# A line of at least two words with letters and no lower-case letter.
_MIN_WORDS = 2
# Shorter names ("US", "AT") are too often ordinary words in capitals.
MIN_CARRIED_CHARS = 3

Span = tuple[int, int, str]  # start, end, label


def caps_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each all-caps line of `text`."""
    lines = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        words = [w for w in line.split() if any(ch.isalpha() for ch in w)]
        if len(words) >= _MIN_WORDS and not any(ch.islower() for ch in line):
            lines.append((match.start(), match.end()))
    return lines


def carry_into_caps(text: str, found: list[Span]) -> list[Span]:
    """`found` with the spans in all-caps lines replaced by the body's names found there."""
    lines = caps_lines(text)
    if not lines:
        return found

    def in_caps(start: int) -> bool:
        return any(s <= start < e for s, e in lines)

    body = [f for f in found if not in_caps(f[0])]
    # The body's type of each name; the first mention's type wins when the model typed it two ways.
    types: dict[str, str] = {}
    for start, end, label in body:
        types.setdefault(text[start:end].casefold(), label)
    # A headline names a person by the surname alone ("FOWLER AND MCMANAMAN OUT").
    for start, end, label in body:
        words = text[start:end].casefold().split()
        if label == "PERSON" and len(words) > 1:
            types.setdefault(words[-1], label)
    carried: list[Span] = []
    for line_start, line_end in lines:
        taken: list[tuple[int, int]] = []
        for name in sorted(types, key=len, reverse=True):
            if len(name) < MIN_CARRIED_CHARS:
                continue
            pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
            for match in pattern.finditer(text, line_start, line_end):
                if not any(s < match.end() and match.start() < e for s, e in taken):
                    taken.append((match.start(), match.end()))
                    carried.append((match.start(), match.end(), types[name]))
    return sorted(body + carried)
