"""What the format readers yield: an article to submit, or a record/line/item skipped with its reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class UnreadableFile(ValueError):
    """A file newsflow cannot read as a whole; the message names the file and says why."""


class FileKind(StrEnum):
    WARC = "WARC"
    JSON = "JSON"
    JSON_LINES = "JSON Lines"
    FEED = "RSS/Atom feed"
    HTML = "HTML page"
    TEXT = "plain text"


@dataclass(frozen=True)
class Article:
    """One submission for the ingest API, with where in its file it came from."""

    submission: dict[str, Any]
    where: str  # "line 3", "item 2", "record at offset 1234", "" for a one-article file
    offset: int | None = None  # WARC: the record's byte offset, what `--start-offset` resumes from


@dataclass(frozen=True)
class Skip:
    """Something in a file that is not an article: `reason` groups the counts, `detail` says more."""

    reason: str
    where: str = ""
    detail: str = ""
    fatal: bool = False  # the rest of the file could not be read


@dataclass
class FileReading:
    """An opened file: its kind, its items one at a time, and how far through it the reader is (bytes)."""

    path: Path
    kind: FileKind
    size: int
    items: Iterator[Article | Skip]
    position: Callable[[], int] = field(default=lambda: 0)
    unit: str = "item"  # what `records` counts: a WARC record, a line, a feed item
