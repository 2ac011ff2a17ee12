"""JSON Lines: a line is an article; a bad line is skipped alone, by its number."""

from __future__ import annotations

from pathlib import Path

from services.ingest.formats import Article, Skip, open_file
from services.ingest.formats.jsonlines import MAX_LINE_BYTES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_scrapy_feed_export_gives_one_article_per_item() -> None:
    items = list(open_file(FIXTURES / "scrapy-items.jsonl").items)
    assert [i.where for i in items] == ["line 1", "line 2", "line 3"]
    assert all(isinstance(i, Article) and i.submission["body"].startswith("<!DOCTYPE html>") for i in items)
    assert {i.submission["author"] for i in items if isinstance(i, Article)} == {
        "Maria Lindqvist",
        "Tom Okafor",
        "Priya Raman",
    }


def test_a_bad_line_is_skipped_alone_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text('{"text": "one"}\n{"text": "tw\n\n["not", "an object"]\n{"text": "four"}\n')
    items = list(open_file(path).items)
    assert [(type(i).__name__, i.where) for i in items] == [
        ("Article", "line 1"),
        ("Skip", "line 2"),
        ("Skip", "line 4"),
        ("Article", "line 5"),
    ]
    assert isinstance(items[1], Skip) and items[1].reason == "line is not valid JSON"


def test_an_overlong_line_is_skipped_without_being_held(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("wb") as handle:
        handle.write(b'{"text": "first"}\n{"text": "')
        handle.write(b"a" * (MAX_LINE_BYTES + 10))
        handle.write(b'"}\n{"text": "last"}\n')
    items = list(open_file(path).items)
    assert [(type(i).__name__, i.where) for i in items] == [
        ("Article", "line 1"),
        ("Skip", "line 2"),
        ("Article", "line 3"),
    ]
