"""WARC files read with warcio: one article per HTML response or resource, everything else counted."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from services.ingest.formats import Article, Skip, open_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def read(name: str, start_offset: int = 0) -> tuple[list[Article], Counter[str]]:
    articles, skipped = [], Counter[str]()
    for item in open_file(FIXTURES / name, start_offset).items:
        if isinstance(item, Article):
            articles.append(item)
        else:
            assert isinstance(item, Skip)
            skipped[item.reason] += 1
    return articles, skipped


def test_wget_warc_gives_every_page_each_from_its_own_gzip_member() -> None:
    articles, skipped = read("wget-site.warc.gz")

    assert [a.submission["url"].rsplit("/", 1)[1] for a in articles] == [
        "index.html",
        "tram-line.html",
        "flood-warning.html",
        "battery-study.html",
    ]
    assert all(a.submission["html"].startswith("<!DOCTYPE html>") for a in articles)
    assert not any("WARC-Type" in a.submission["html"] or "HTTP/1.1" in a.submission["html"] for a in articles)
    assert skipped == {
        "warcinfo record": 1,
        "request record": 6,
        "HTTP status 4xx": 1,  # robots.txt
        "not HTML (image/png)": 1,
        "metadata record": 1,
        "resource for a non-web address": 2,  # wget's log and manifest
    }


def test_warc_fields_come_from_the_record_headers() -> None:
    articles, _ = read("wget-site.warc.gz")
    first = articles[1].submission
    assert first["url"] == "http://127.0.0.1:21810/tram-line.html"
    assert first["fetched_at"].startswith("20")  # WARC-Date
    assert first["source"] == "file:wget-site.warc.gz"


def test_chunked_gzip_payloads_and_declared_charsets_are_decoded() -> None:
    articles, skipped = read("warcio-mixed.warc.gz")
    by_url = {a.submission["url"].rsplit("/", 1)[1]: a.submission["html"] for a in articles}

    assert set(by_url) == {"tram-line.html", "flood-warning.html", "ru.html", "battery-study.html"}
    assert "Flood warning for the Vessel valley" in by_url["flood-warning.html"]  # chunked + gzip
    assert "Городской совет одобрил трамвайную линию" in by_url["ru.html"]  # KOI8-R from the HTTP header
    assert "sodium-ion battery" in by_url["battery-study.html"]  # an HTML resource record
    assert skipped == {
        "warcinfo record": 1,
        "request record": 6,
        "not HTML (image/png)": 1,
        "HTTP status 4xx": 1,
        "HTTP status 3xx": 1,
        "revisit record": 1,
        "metadata record": 1,
    }


def test_reading_resumes_at_a_record_offset() -> None:
    articles, _ = read("wget-site.warc.gz")
    offset = articles[2].offset
    assert offset is not None

    resumed, _ = read("wget-site.warc.gz", start_offset=offset)

    assert [a.submission["url"] for a in resumed] == [a.submission["url"] for a in articles[2:]]
    assert [a.offset for a in resumed] == [a.offset for a in articles[2:]]


def test_a_damaged_warc_keeps_what_came_before_and_says_where_it_stopped(tmp_path: Path) -> None:
    data = (FIXTURES / "warcio-mixed.warc.gz").read_bytes()
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(data[: len(data) // 2] + b"\x1f\x8b garbage that is not a gzip member" * 50)

    items = list(open_file(damaged).items)

    assert any(isinstance(i, Article) for i in items)
    last = items[-1]
    assert isinstance(last, Skip) and last.fatal and last.reason == "malformed WARC: reading stopped"
