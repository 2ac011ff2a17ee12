"""What real scrapers write, end to end through the real workers: `newsflow ingest` on a folder of WARCs,
JSON Lines, feeds and the scrapers' JSON, and JSON Lines on the HTTP batch endpoint."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from newsflow_harness.local.workers import settings_env
from newsflow_schemas import DeadLetter
from services.common.connection import sync_client
from services.common.streamread import read_stream
from services.ingest.identity import article_id_for
from services.store.tables import articles

from .conftest import API_KEY, Pipeline, pipeline_settings, run_pipeline

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).resolve().parents[1] / "ingest" / "fixtures"
SITE = "http://127.0.0.1:21810"
# In the order `newsflow ingest` reads them (sorted names): the WARCs bring the pages first, the text-only
# scrapers (news-please, newspaper4k) come last, after every HTML-parsed revision.
FILES = ("a-wget-site.warc.gz", "b-warcio-mixed.warc.gz", "feed-atom.xml", "feed-rss.xml", "fundus.json",
         "logo.png", "scrapy-items.jsonl", "trafilatura.json", "z-news-please.json", "z-newspaper4k.json")  # fmt: skip


@pytest.fixture(scope="module")
def pipeline(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    tmp = tmp_path_factory.mktemp("scrapers")
    yield from run_pipeline(pipeline_settings(redis_url, f"sqlite:///{tmp}/newsflow.db"), tmp / "logs")


@pytest.fixture(scope="module")
def ingested(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    folder = tmp_path_factory.mktemp("scraped")
    for name in FILES:
        plain = name.split("-", 1)[1] if name.startswith(("a-", "b-", "z-")) else name
        source = FIXTURES / ("site/logo.png" if name == "logo.png" else plain)
        shutil.copy(source, folder / name)
    settings = pipeline.settings
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "ingest", str(folder)],
        env={**settings_env(settings), "NEWSFLOW_API_KEY": API_KEY, "COLUMNS": "200"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    for stream, group in ((settings.stream_raw, "parse"), (settings.stream_parsed, "enrich"),
                          (settings.stream_enriched, "store")):  # fmt: skip
        pipeline.wait_for(lambda s=stream, g=group: pipeline.group_done(s, g), f"{group} done")
    return result


def test_ingest_reports_each_file_by_what_it_holds(ingested: subprocess.CompletedProcess[str]) -> None:
    report = ingested.stderr
    assert "a-wget-site.warc.gz: WARC, 16 records read, 4 articles; skipped 6 request record" in report
    assert "b-warcio-mixed.warc.gz: WARC, 16 records read, 4 articles; skipped 6 request record" in report
    assert "1 revisit record" in report and "1 HTTP status 3xx" in report and "1 not HTML (image/png)" in report
    assert "feed-rss.xml: RSS/Atom feed, 3 items read, 2 articles; skipped 1 needs fetching" in report
    assert "logo.png: a PNG image, not an article format" in report
    assert "accepted 19 articles from 9 files; skipped 1 files (1 a PNG image, not an article format)" in report


def test_every_page_is_stored_once_and_the_front_page_is_dead_lettered(pipeline: Pipeline, ingested: object) -> None:
    pages = {name: article_id_for(f"{SITE}/{name}", "") for name in ("tram-line.html", "flood-warning.html",
                                                                     "battery-study.html", "ru.html")}  # fmt: skip
    store = pipeline.store
    with store.engine.connect() as conn:
        urls = set(conn.execute(select(articles.c.url)).scalars())
    assert store.existing_ids(list(pages.values())) == set(pages.values())
    # Fundus' JSON has no URL: its article is identified by its text, beside the page's.
    assert urls == {f"{SITE}/{name}" for name in pages} | {None}
    binary = sync_client(pipeline.settings)  # entries are binary FastStream envelopes
    letters = list(read_stream(binary, pipeline.settings.stream_dlq, DeadLetter))
    binary.close()
    assert [(letter.stage, letter.reason) for letter in letters] == [
        ("parse", "the body is a listing of headlines (a front or section page), not an article")
    ]
    assert json.loads(letters[0].payload)["url"] == f"{SITE}/index.html"


def test_text_only_resubmissions_do_not_replace_the_html_parsed_page(
    article_row, pipeline: Pipeline, ingested: object
) -> None:
    stored = article_row(pipeline.store, article_id_for(f"{SITE}/tram-line.html", ""))
    assert stored is not None
    document = stored["document"]
    assert document["parsed_from"] == "html"  # news-please's and newspaper4k's text came last and stayed out
    assert document["authors"] == ["Maria Lindqvist"]
    assert document["title"] == "Northbridge council approves a tram line to the harbour"
    assert "The vote passed by 31 votes to 18." in document["body"]
    assert "WARC" not in document["body"] and "HTTP/1.1" not in document["body"]


def test_json_lines_on_the_batch_endpoint(pipeline: Pipeline, ingested: object) -> None:
    lines = (FIXTURES / "scrapy-items.jsonl").read_text().splitlines()
    body = "\n".join([lines[0], '{"url": "broken', lines[1]]) + "\n"
    response = httpx.post(
        f"http://{pipeline.settings.ingest_host}:{pipeline.settings.ingest_port}/v1/articles:batch",
        content=body,
        headers={"X-API-Key": API_KEY, "Content-Type": "application/x-ndjson"},
        timeout=30,
    )
    assert response.status_code == 202
    assert len(response.json()["accepted"]) == 2
    assert [r["line"] for r in response.json()["rejected"]] == [2]
