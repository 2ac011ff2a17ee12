"""Opening a file: sniff what it is, then hand it to its reader (streamed for WARC and JSON Lines)."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO, cast

from ..scrapers import with_file_source
from .decoding import decode_text
from .feeds import read_feed
from .items import Article, FileKind, FileReading, Skip, UnreadableFile
from .jsonlines import MAX_LINE_BYTES, read_lines
from .sniff import GZIP_MAGIC, HEAD_BYTES, sniff
from .warc import read_warc

# A file read whole (a page, a text, a JSON document, a feed) is at most this big, also once inflated.
MAX_FILE_BYTES = 20_000_000
# The largest payload of one WARC record taken as an article.
MAX_PAYLOAD_BYTES = 5_000_000


def open_file(path: Path, start_offset: int = 0) -> FileReading:
    """What `path` holds and a reader for it; UnreadableFile (naming the file) when it is not read."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise UnreadableFile(f"{path}: {exc.strerror or exc}") from exc
    gzipped = head.startswith(GZIP_MAGIC)
    inner = _inflated_head(path, head) if gzipped else head
    found = sniff(inner, complete=not gzipped and size <= HEAD_BYTES)
    if found.kind is None:
        raise UnreadableFile(f"{path}: {found.refusal}" + (" (inside gzip)" if gzipped else ""))
    source = f"file:{path.name}"
    if start_offset and found.kind is not FileKind.WARC:
        raise UnreadableFile(f"{path}: --start-offset applies to WARC files only; this is {found.kind}")
    if found.kind is FileKind.WARC:
        handle = path.open("rb")
        items = _closing(handle, read_warc(handle, source, MAX_PAYLOAD_BYTES, start_offset))
        return FileReading(path, found.kind, size, items, position=handle.tell, unit="record")
    if found.kind is FileKind.JSON_LINES:
        handle = path.open("rb")
        stream = cast(IO[bytes], gzip.GzipFile(fileobj=handle) if gzipped else handle)
        lines = _capped_lines(stream, path)
        return FileReading(path, found.kind, size, _closing(handle, read_lines(lines, source)), handle.tell, "line")
    data = _read_whole(path, gzipped)
    return FileReading(path, found.kind, size, _whole_file(path, found.kind, data, source), lambda: size)


def _inflated_head(path: Path, head: bytes) -> bytes:
    """The first bytes inside a gzip file, inflating no more than the sniffer reads."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        return inflater.decompress(head, HEAD_BYTES)
    except zlib.error as exc:
        raise UnreadableFile(f"{path}: not valid gzip ({exc})") from exc


def _closing(handle: BinaryIO, items: Iterator[Article | Skip]) -> Iterator[Article | Skip]:
    try:
        yield from items
    finally:
        handle.close()


def _capped_lines(stream: IO[bytes], path: Path) -> Iterator[bytes]:
    """Lines of at most MAX_LINE_BYTES + 1 bytes (a longer one comes in pieces, the reader skips them)."""
    try:
        while line := stream.readline(MAX_LINE_BYTES + 1):
            yield line
    except (OSError, EOFError, zlib.error) as exc:  # a damaged or truncated gzip member
        raise UnreadableFile(f"{path}: the file is damaged after some lines ({exc})") from exc


def _read_whole(path: Path, gzipped: bool) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(f"{path}: larger than {MAX_FILE_BYTES:,} bytes")
    if gzipped:
        # A capped inflate: a small bomb cannot expand without limit.
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            data = inflater.decompress(data, MAX_FILE_BYTES + 1)
        except zlib.error as exc:
            raise UnreadableFile(f"{path}: not valid gzip ({exc})") from exc
        if len(data) > MAX_FILE_BYTES or inflater.unconsumed_tail:
            raise UnreadableFile(f"{path}: inflates to more than {MAX_FILE_BYTES:,} bytes")
    return data


def _whole_file(path: Path, kind: FileKind, data: bytes, source: str) -> Iterator[Article | Skip]:
    if kind is FileKind.FEED:
        yield from read_feed(data, source)
        return
    text = decode_text(data)
    if kind is FileKind.JSON:
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise UnreadableFile(f"{path}: not valid JSON ({exc})") from exc
        except RecursionError as exc:
            raise UnreadableFile(f"{path}: not valid JSON (nested too deeply)") from exc
        # newspaper4k's CLI writes a list; Scrapy's `-o items.json` too; {"articles": [...]} is ours.
        if isinstance(document, dict) and isinstance(document.get("articles"), list):
            document = document["articles"]
        items = document if isinstance(document, list) else [document]
        for number, item in enumerate(items, 1):
            where = f"item {number}" if len(items) > 1 else ""
            if isinstance(item, dict):
                yield Article(with_file_source(item, source), where)
            else:
                yield Skip("not a JSON object", where, f"got {type(item).__name__}")
    elif kind is FileKind.TEXT:
        yield Article({"text": text, "source": source}, "")
    else:
        yield Article({"html": text, "source": source}, "")
