"""Reads article files from disk into submission objects for the ingest API."""

from __future__ import annotations

import codecs
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz", ".txt", ".json")
MAX_FILE_BYTES = 20_000_000


class UnreadableFile(ValueError):
    pass


@dataclass(frozen=True)
class FileArticle:
    path: Path
    submission: dict[str, Any]


def find_files(paths: list[Path]) -> list[Path]:
    """Article files named by `paths` (files, or folders searched recursively), sorted, no repeats."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.name.lower().endswith(SUFFIXES):
                    found[child] = None
        elif path.is_file():
            found[path] = None
        else:
            raise UnreadableFile(f"{path}: no such file or folder")
    return list(found)


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(f"{path}: larger than {MAX_FILE_BYTES:,} bytes")
    if path.name.lower().endswith(".gz"):
        # A capped inflate: a small bomb cannot expand without limit.
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            data = inflater.decompress(data, MAX_FILE_BYTES + 1)
        except zlib.error as exc:
            raise UnreadableFile(f"{path}: not valid gzip ({exc})") from exc
        if len(data) > MAX_FILE_BYTES or inflater.unconsumed_tail:
            raise UnreadableFile(f"{path}: inflates to more than {MAX_FILE_BYTES:,} bytes")
    return data


def _decode(data: bytes) -> str:
    """UTF-8 whatever the page declares (most "latin-1" pages are UTF-8); bytes that are not UTF-8
    are read as Windows-1252, so a page that mixes the two keeps both its halves readable."""
    return data.decode("utf-8-sig", errors=_CP1252_FALLBACK)


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("cp1252", errors="replace"), error.end


_CP1252_FALLBACK = "newsflow-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_fallback)


def read_articles(path: Path) -> Iterator[FileArticle]:
    """One file's articles: a page or a text is one; a JSON file holds one object or a list."""
    name = path.name.lower()
    text = _decode(_read_capped(path))
    source = f"file:{path.name}"
    if name.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise UnreadableFile(f"{path}: not valid JSON ({exc})") from exc
        items = data if isinstance(data, list) else [data]
        for item in items:
            if isinstance(item, dict):
                item = {"source": source, **item}
            yield FileArticle(path, item)
    elif name.endswith(".txt"):
        yield FileArticle(path, {"text": text, "source": source})
    else:
        yield FileArticle(path, {"html": text, "source": source})
