"""Reading article files: every supported kind, and clear errors for the rest."""

import gzip
import json
from pathlib import Path

import pytest

from services.ingest.files import MAX_FILE_BYTES, UnreadableFile, find_files, read_articles


def test_folders_give_every_file_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "b.html", "sub/c.html.gz", "sub/d.json", "e.pdf", "f.warc", "g.xml"):
        (tmp_path / name).write_bytes(b"x")
    found = [p.name for p in find_files([tmp_path])]
    assert found == ["a.txt", "b.html", "e.pdf", "f.warc", "g.xml", "c.html.gz", "d.json"]


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="no such file"):
        find_files([tmp_path / "nope"])


def test_each_kind_becomes_a_submission(tmp_path: Path) -> None:
    (tmp_path / "w.txt").write_text("TEHRAN - wire")
    with gzip.open(tmp_path / "p.html.gz", "wt") as handle:
        handle.write("<p>page</p>")
    (tmp_path / "s.json").write_text(json.dumps([{"maintext": "one"}, {"text": "two"}]))
    assert [a.submission["text"] for a in read_articles(tmp_path / "w.txt")] == ["TEHRAN - wire"]
    assert [a.submission["html"] for a in read_articles(tmp_path / "p.html.gz")] == ["<p>page</p>"]
    assert len(list(read_articles(tmp_path / "s.json"))) == 2


def test_a_gzip_bomb_is_refused_without_inflating_it(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<p>" + b"a" * (MAX_FILE_BYTES + 10)))
    with pytest.raises(UnreadableFile, match="inflates to more"):
        list(read_articles(bomb))


def test_broken_json_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(UnreadableFile, match=r"bad\.json: not valid JSON"):
        list(read_articles(tmp_path / "bad.json"))


def test_page_mixing_utf8_and_windows_1252_keeps_both_readable(tmp_path: Path) -> None:
    page = tmp_path / "mixed.html"
    utf8 = "<p>Café déjà vu — “quoted”</p>".encode()
    cp1252 = "<p>Señor’s résumé</p>".encode("cp1252")
    page.write_bytes(b'<html><head><meta charset="iso-8859-1"></head><body>' + utf8 + cp1252 + b"</body></html>")

    (article,) = read_articles(page)

    assert "Café déjà vu — “quoted”" in article.submission["html"]
    assert "Señor’s résumé" in article.submission["html"]


def test_json_nested_too_deeply_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text('{\n"text": "x",\n"a": ' + "[" * 100_000 + "]" * 100_000 + "\n}")
    with pytest.raises(UnreadableFile, match=r"deep\.json: not valid JSON \(nested too deeply\)"):
        list(read_articles(tmp_path / "deep.json"))
