"""The sniffer tells formats by their bytes, never by their names, and refuses the rest with a reason."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from services.ingest.formats import FileKind, UnreadableFile, open_file
from services.ingest.formats.sniff import sniff

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"WARC/1.1\r\nWARC-Type: warcinfo\r\n", FileKind.WARC),
        (b'[{"url": "https://a"}]', FileKind.JSON),
        (b'{\n  "title": "x"\n}', FileKind.JSON),
        (b'{"a": 1}\n{"a": 2}\n', FileKind.JSON_LINES),
        (b"<?xml version='1.0'?>\n<rss version='2.0'><channel/></rss>", FileKind.FEED),
        (b'<?xml version="1.0"?><!-- c --><feed xmlns="http://www.w3.org/2005/Atom"/>', FileKind.FEED),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', FileKind.FEED),
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", FileKind.HTML),
        (b"<p>a fragment</p>", FileKind.HTML),
        (b"\xef\xbb\xbf<html><body>x</body></html>", FileKind.HTML),
        (b"TEHRAN, Sep. 07 (MNA) - A wire story.", FileKind.TEXT),
    ],
)
def test_each_format_is_told_by_its_content(head: bytes, kind: FileKind) -> None:
    assert sniff(head, complete=True).kind is kind


@pytest.mark.parametrize(
    ("head", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t", "only whitespace"),
        (b"\x89PNG\r\n\x1a\n....", "a PNG image"),
        (b"%PDF-1.7", "a PDF document"),
        (b"PK\x03\x04zip", "a ZIP archive"),
        (b"\x00\x01\x02\x03binary", "binary data"),
        (b'<?xml version="1.0"?><urlset xmlns="x"><url/></urlset>', "a sitemap"),
        (b"<?xml version='1.0'?><invoice><total>3</total></invoice>", "root element is <invoice>"),
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>", "an HTTP response dump"),
        (b"filedesc://crawl.arc 0.0.0.0 20260304 text/plain 76\n1 0 Crawler\n", "an ARC file"),
    ],
)
def test_what_is_no_article_format_is_refused_with_its_reason(head: bytes, reason: str) -> None:
    found = sniff(head, complete=True)
    assert found.kind is None
    assert found.refusal is not None and reason in found.refusal


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("wget-site.warc.gz", FileKind.WARC),
        ("warcio-mixed.warc.gz", FileKind.WARC),
        ("scrapy-items.jsonl", FileKind.JSON_LINES),
        ("news-please.json", FileKind.JSON),
        ("trafilatura.json", FileKind.JSON),
        ("newspaper4k.json", FileKind.JSON),
        ("fundus.json", FileKind.JSON),
        ("feed-rss.xml", FileKind.FEED),
        ("feed-atom.xml", FileKind.FEED),
        ("site/index.html", FileKind.HTML),
    ],
)
def test_files_written_by_the_real_tools_are_recognised(name: str, kind: FileKind) -> None:
    assert open_file(FIXTURES / name).kind is kind


def test_names_do_not_matter(tmp_path: Path) -> None:
    misnamed = tmp_path / "page.txt"
    misnamed.write_bytes((FIXTURES / "wget-site.warc.gz").read_bytes())
    assert open_file(misnamed).kind is FileKind.WARC
    jsonl = tmp_path / "items.json.gz"
    jsonl.write_bytes(gzip.compress(b'{"text": "a"}\n{"text": "b"}\n'))
    reading = open_file(jsonl)
    assert reading.kind is FileKind.JSON_LINES
    assert [a.submission["text"] for a in reading.items] == ["a", "b"]


def test_a_refusal_names_the_file(tmp_path: Path) -> None:
    image = tmp_path / "photo.html"
    image.write_bytes((FIXTURES / "site" / "logo.png").read_bytes())
    with pytest.raises(UnreadableFile, match=r"photo\.html: a PNG image, not an article format"):
        open_file(image)
