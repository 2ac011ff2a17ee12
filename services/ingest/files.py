"""Finds the files named on the command line and reads their articles (what each holds: formats/)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .formats import MAX_FILE_BYTES, Article, Skip, UnreadableFile, open_file

__all__ = ["MAX_FILE_BYTES", "FileArticle", "UnreadableFile", "find_files", "read_articles"]

FileArticle = Article


def find_files(paths: list[Path]) -> list[Path]:
    """Every file named by `paths` (files, or folders searched recursively), sorted, no repeats.

    No file is left out by its name: each is read by what it contains, and what is not an article format
    is reported with its reason.
    """
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file():
                    found[child] = None
        elif path.is_file():
            found[path] = None
        else:
            raise UnreadableFile(f"{path}: no such file or folder")
    return list(found)


def read_articles(path: Path) -> Iterator[Article]:
    """The articles in one file (skipped records, lines and items left out); UnreadableFile when the
    file is refused as a whole or cannot be read to its end."""
    for item in open_file(path).items:
        if isinstance(item, Article):
            yield item
        elif isinstance(item, Skip) and item.fatal:
            raise UnreadableFile(f"{path}: {item.reason} {item.where}: {item.detail}")
