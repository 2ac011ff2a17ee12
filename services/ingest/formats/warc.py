"""WARC files (also gzipped, a member per record, as crawlers write them) read with warcio, one record at a time.

Every `response` record whose HTTP payload is HTML, and every HTML `resource` record, is one article: the
URL from WARC-Target-URI, the fetch time from WARC-Date, the charset from the HTTP headers, chunked and
compressed payloads decoded by warcio. Everything else is skipped and counted by its reason.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from .decoding import decode_text
from .items import Article, Skip
from .sniff import sniff

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# A WARC or HTTP header line longer than this is not a header: the reader stops rather than buffer it.
MAX_HEADER_LINE = 65_536


class HeaderLineTooLong(ValueError):
    pass


class _CappedLineReader(DecompressingBufferedReader):
    """warcio's reader with a cap on line length: its header parser reads lines without one, so a file with
    a gigabyte-long "header" (or a gzip member inflating to no newline) would otherwise fill memory."""

    def readline(self, length: int | None = None) -> bytes:
        cap = MAX_HEADER_LINE if length is None else min(length, MAX_HEADER_LINE)
        line: bytes = super().readline(cap)
        if len(line) >= cap and not line.endswith(b"\n") and (length is None or length > MAX_HEADER_LINE):
            raise HeaderLineTooLong(f"a header line longer than {MAX_HEADER_LINE:,} bytes")
        return line


class _ArchiveIterator(ArchiveIterator):  # type: ignore[misc]
    def __init__(self, fileobj: BinaryIO, **kwargs: Any) -> None:
        super().__init__(fileobj, **kwargs)
        self.reader = _CappedLineReader(self.fh, block_size=kwargs.get("block_size", 16384))


# warcio raises these (and zlib.error from inside a damaged member) for a file it cannot go on reading;
# on a header cut short it fails inside its own parser (AttributeError, TypeError, IndexError, KeyError).
_BROKEN = (ArchiveLoadFailed, StatusAndHeadersParserException, HeaderLineTooLong, zlib.error, EOFError, ValueError)
_BROKEN_HEADERS = (*_BROKEN, AttributeError, TypeError, IndexError, KeyError)


def read_warc(handle: BinaryIO, source: str, max_payload: int, start_offset: int = 0) -> Iterator[Article | Skip]:
    """The articles and skips of the WARC open in `handle`, from the record at `start_offset`."""
    handle.seek(start_offset)
    records = _ArchiveIterator(handle)
    offset = start_offset
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except _BROKEN_HEADERS as exc:
            yield _stopped(offset, exc)
            return
        try:
            found = _from_record(record, source, max_payload)
            offset = records.get_record_offset()
        except _BROKEN as exc:
            yield _stopped(offset, exc)
            return
        where = f"record at offset {offset}"
        if isinstance(found, Skip):
            yield Skip(found.reason, where, found.detail)
        else:
            yield Article(found, where, offset)


def _stopped(offset: int, exc: Exception) -> Skip:
    detail = f"{type(exc).__name__}: {exc}"[:200]
    return Skip("malformed WARC: reading stopped", f"after offset {offset}", detail, fatal=True)


def _from_record(record: ArcWarcRecord, source: str, max_payload: int) -> dict[str, Any] | Skip:
    kind = record.rec_type
    if kind not in ("response", "resource"):
        return Skip(f"{kind} record")
    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    if not uri.startswith(("http://", "https://")):
        return Skip(f"{kind} for a non-web address", detail=uri[:100])
    charset = None
    if kind == "response":
        if record.http_headers is None:
            return Skip("response without HTTP headers")
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            return Skip(f"HTTP status {status[:1]}xx" if status[:1].isdigit() else "HTTP status unreadable")
        mime, charset = _media_type(record.http_headers.get_header("Content-Type"))
        encoding = (record.http_headers.get_header("Content-Encoding") or "identity").strip().lower()
        if encoding not in ("identity", *DecompressingBufferedReader.get_supported_decompressors()):
            return Skip(f"payload compressed with {encoding[:20]}, which this reader cannot decode")
    else:
        mime, charset = _media_type(record.rec_headers.get_header("Content-Type"))
    payload = record.content_stream().read(max_payload + 1)
    if len(payload) > max_payload:
        return Skip("payload over the size limit", detail=f"more than {max_payload:,} bytes")
    if not payload.strip():
        return Skip("empty payload")
    if mime not in HTML_TYPES and not (not mime and sniff(payload[:4096]).kind == "HTML page"):
        return Skip(f"not HTML ({mime or 'no content type'})")
    fetched = record.rec_headers.get_header("WARC-Date")
    submission: dict[str, Any] = {"html": decode_text(payload, charset), "url": uri, "source": source}
    if fetched:
        submission["fetched_at"] = fetched
    return submission


def _media_type(header: str | None) -> tuple[str, str | None]:
    """("text/html", "windows-1251") from 'text/html; charset="windows-1251"'."""
    if not header:
        return "", None
    mime, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return mime.strip().lower(), charset
