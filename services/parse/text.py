"""Character-level tidying shared by the html and wire paths: control characters, spaces, blank lines."""

from __future__ import annotations

import re

# A share of control or replacement characters above this means bytes decoded as if they were text.
BINARY_SHARE = 0.05
# Enough of the opening to judge; bounds the work on huge input.
BINARY_SAMPLE_CHARS = 20_000

# C0/C1 controls except tab and newlines, and invisible characters that only get in the way of matching:
# zero-width space, non-joiner and joiner, word joiner, byte order mark. PostgreSQL text refuses NUL,
# so it must never reach the store. A regular expression, not str.translate with a table: on a 170 kB
# page translate looks every character up in a dict (about 40 ms), the regex scans in C (2 ms).
_DROPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff]")
_BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def looks_binary(content: str) -> bool:
    """True when the text is mostly controls and U+FFFD: a binary file decoded as text."""
    sample = content[:BINARY_SAMPLE_CHARS]
    if not sample:
        return False
    return len(_BINARY.findall(sample)) / len(sample) > BINARY_SHARE


def drop_control_chars(content: str) -> str:
    """The text without control and zero-width characters (newlines and tabs stay)."""
    return _DROPPED.sub("", content)


def tidy_text(content: str) -> str:
    """One space between words, no spaces at line ends, at most one blank line between paragraphs."""
    content = drop_control_chars(
        content.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    )
    lines = (_SPACES.sub(" ", line).strip() for line in content.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def truncate(content: str, max_chars: int) -> str:
    """At most `max_chars` characters, cut at a paragraph or line break when there is one near the end."""
    if len(content) <= max_chars:
        return content
    cut = content.rfind("\n", max_chars * 9 // 10, max_chars)
    return content[: cut if cut > 0 else max_chars]
