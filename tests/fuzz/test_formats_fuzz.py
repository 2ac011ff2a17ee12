"""Property-based fuzzing of the file readers: the sniffer and the WARC reader.

Whatever a file holds, the sniffer names a kind or a refusal, and reading yields articles and skips and
ends (a damaged WARC with a fatal skip saying where), never another exception and never unbounded memory:
truncated members, wrong Content-Lengths, giant header lines, a gzip member that never ends.
"""

from __future__ import annotations

import contextlib
import gzip
import tracemalloc
import zlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.common.errors import RejectedInput
from services.ingest.core import submission_from_json
from services.ingest.formats import Article, Skip, UnreadableFile, open_file
from services.ingest.formats.sniff import sniff
from services.ingest.formats.warc import MAX_HEADER_LINE

FIXTURES = Path(__file__).resolve().parents[1] / "ingest" / "fixtures"
WARC_GZ = (FIXTURES / "warcio-mixed.warc.gz").read_bytes()
WARC = gzip.decompress(WARC_GZ)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

prefixes = st.sampled_from(
    [b"", b"WARC/1.0\r\n", b"\x1f\x8b\x08\x00", b"{", b"[", b"<rss>", b"<?xml ?><feed>", b"<html>"]
)


def read_all(path: Path) -> list[Article | Skip]:
    """Everything a file gives; UnreadableFile (a refusal) gives nothing. Anything else fails the test."""
    try:
        items = list(open_file(path).items)
    except UnreadableFile:
        return []
    for item in items:
        assert isinstance(item, Article | Skip)
        if isinstance(item, Article):
            with contextlib.suppress(RejectedInput):
                submission_from_json(item.submission)
    return items


@FUZZ
@given(prefix=prefixes, data=st.binary(max_size=3000))
def test_the_sniffer_names_a_kind_or_a_reason_for_any_bytes(prefix: bytes, data: bytes) -> None:
    found = sniff(prefix + data, complete=True)
    assert (found.kind is None) != (found.refusal is None)


@FUZZ
@given(prefix=prefixes, data=st.binary(max_size=3000), gzipped=st.booleans())
def test_any_file_is_read_or_refused(tmp_path: Path, prefix: bytes, data: bytes, gzipped: bool) -> None:
    path = tmp_path / "input"
    path.write_bytes(gzip.compress(prefix + data) if gzipped else prefix + data)
    read_all(path)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(WARC_GZ)), compressed=st.booleans())
def test_a_truncated_warc_keeps_the_records_before_the_cut(tmp_path: Path, cut: int, compressed: bool) -> None:
    path = tmp_path / "cut.warc"
    whole = WARC_GZ if compressed else WARC
    path.write_bytes(whole[: cut * len(whole) // len(WARC_GZ)])
    items = read_all(path)
    assert sum(isinstance(i, Skip) and i.fatal for i in items) <= 1
    assert not items or not any(isinstance(i, Skip) and i.fatal for i in items[:-1])


@FUZZ
@given(
    record=st.integers(min_value=0, max_value=20),
    length=st.integers(min_value=0, max_value=10**12) | st.sampled_from(["-1", "abc", "", "9" * 40]),
)
def test_wrong_content_lengths_never_crash_the_reader(tmp_path: Path, record: int, length: int | str) -> None:
    parts = WARC.split(b"Content-Length: ")
    index = min(record, len(parts) - 1)
    if index:
        rest = parts[index].split(b"\r\n", 1)
        parts[index] = str(length).encode() + b"\r\n" + (rest[1] if len(rest) > 1 else b"")
    path = tmp_path / "lengths.warc"
    path.write_bytes(b"Content-Length: ".join(parts))
    read_all(path)


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(min_value=0, max_value=len(WARC_GZ) - 1), st.integers(0, 255)), max_size=8))
def test_flipped_bytes_in_a_gzipped_warc_never_crash_the_reader(tmp_path: Path, flips: list[tuple[int, int]]) -> None:
    data = bytearray(WARC_GZ)
    for position, value in flips:
        data[position] = value
    path = tmp_path / "flipped.warc.gz"
    path.write_bytes(bytes(data))
    read_all(path)


def peak_bytes_reading(path: Path) -> tuple[list[Article | Skip], int]:
    tracemalloc.start()
    try:
        items = read_all(path)
        return items, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_giant_header_line_stops_the_reader_without_holding_it(tmp_path: Path) -> None:
    path = tmp_path / "giant.warc.gz"
    giant = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://a.example/" + b"x" * 200_000_000
    path.write_bytes(gzip.compress(giant, compresslevel=1))

    items, peak = peak_bytes_reading(path)

    assert isinstance(items[-1], Skip) and items[-1].fatal
    assert f"longer than {MAX_HEADER_LINE:,} bytes" in items[-1].detail
    assert peak < 50_000_000


def test_a_gzip_member_that_never_ends_is_read_to_the_end_of_the_file_at_bounded_memory(tmp_path: Path) -> None:
    head = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://a.example/\r\n"
        b"Content-Type: application/http; msgtype=response\r\nContent-Length: 999999999999\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><p>"
    )
    deflate = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    member = deflate.compress(head) + b"".join(deflate.compress(b"a" * 1_000_000) for _ in range(150))
    path = tmp_path / "endless.warc.gz"
    path.write_bytes(member + deflate.flush(zlib.Z_SYNC_FLUSH))  # no end of member, no trailer

    items, peak = peak_bytes_reading(path)

    assert [(type(i).__name__, i.reason if isinstance(i, Skip) else "") for i in items] in (
        [("Skip", "payload over the size limit")],
        [("Skip", "payload over the size limit"), ("Skip", "malformed WARC: reading stopped")],
    )
    assert peak < 60_000_000
