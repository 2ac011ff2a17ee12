"""JSON Lines (NDJSON): one submission a line, read a line at a time; a bad line is skipped alone, by number."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from ..scrapers import with_file_source
from .decoding import decode_text
from .items import Article, Skip

# A line longer than this is not read (its article would be refused by ingest anyway).
MAX_LINE_BYTES = 20_000_000


def read_lines(lines: Iterable[bytes], source: str) -> Iterator[Article | Skip]:
    """`lines` as a binary file yields them (each capped by the caller at MAX_LINE_BYTES + 1)."""
    number = 0
    long_line = False
    for line in lines:
        if long_line:  # the rest of a line over the cap
            long_line = not line.endswith(b"\n")
            continue
        number += 1
        if len(line) > MAX_LINE_BYTES:
            long_line = not line.endswith(b"\n")
            yield Skip("line over the size limit", f"line {number}", f"more than {MAX_LINE_BYTES:,} bytes")
            continue
        found = parse_line(line, number, source)
        if found is not None:
            yield found


def parse_line(line: bytes, number: int, source: str | None) -> Article | Skip | None:
    """One line: an article, a skip saying why not, or None for a blank line."""
    text = decode_text(line).strip()
    if not text:
        return None
    where = f"line {number}"
    try:
        item: Any = json.loads(text)
    except ValueError as exc:
        return Skip("line is not valid JSON", where, str(exc))
    except RecursionError:
        return Skip("line is not valid JSON", where, "nested too deeply")
    if not isinstance(item, dict):
        return Skip("line is not a JSON object", where, f"got {type(item).__name__}")
    return Article(with_file_source(item, source) if source else item, where)
