"""Bodies that are not articles (WARC/HTTP headers, JSON, a feed, a listing of links) are refused at parse
with that reason; articles of every dev set pass."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsflow_harness.corpus import CORPUS
from newsflow_schemas import RawArticle
from services.common.errors import RejectedInput
from services.parse.core import parse

FIXTURES = Path(__file__).resolve().parents[1] / "ingest" / "fixtures"


def raw(content: str | bytes, content_type: str = "html") -> RawArticle:
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    return RawArticle(article_id="a", trace_id="t", content=text, content_type=content_type)  # type: ignore[arg-type]


def refusal(article: RawArticle) -> str:
    with pytest.raises(RejectedInput) as caught:
        parse(article)
    return caught.value.reason


def test_a_warc_sent_as_a_page_is_refused_as_headers() -> None:
    warc = gzip.decompress((FIXTURES / "wget-site.warc.gz").read_bytes())
    assert "WARC/HTTP headers" in refusal(raw(warc[:20000], "text"))


def test_an_http_response_dump_is_refused_as_headers() -> None:
    page = (FIXTURES / "site" / "tram-line.html").read_text()
    dump = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nServer: x\r\nDate: today\r\n\r\n" + page
    assert "WARC/HTTP headers" in refusal(raw(dump, "text"))


def test_scraper_json_sent_as_text_is_refused_as_json() -> None:
    assert "JSON text" in refusal(raw((FIXTURES / "news-please.json").read_text(), "text"))


@pytest.mark.parametrize("name", ["feed-rss.xml", "feed-atom.xml"])
def test_a_feed_sent_as_a_page_is_refused_as_a_feed(name: str) -> None:
    assert "RSS/Atom feed" in refusal(raw((FIXTURES / name).read_text()))


def test_a_front_page_is_refused_as_a_listing() -> None:
    assert "listing of headlines" in refusal(raw((FIXTURES / "site" / "index.html").read_text()))


def test_the_articles_of_the_fixture_site_pass() -> None:
    for name in ("tram-line.html", "flood-warning.html", "battery-study.html"):
        assert parse(raw((FIXTURES / "site" / name).read_text())).body


@pytest.mark.parametrize("folder", ["extraction-dev", "readability-dev"])
def test_no_dev_page_is_refused_by_the_sanity_check(folder: str) -> None:
    pages = sorted((CORPUS / folder / "html").glob("*.html.gz"))
    if not pages:
        pytest.skip(f"{folder} not found under {CORPUS}")
    refused = []
    for page in pages:
        article = raw(gzip.decompress(page.read_bytes()))
        article = article.model_copy(update={"fetched_at": datetime(2024, 1, 1, tzinfo=UTC)})
        try:
            parse(article)
        except RejectedInput as exc:
            if "listing" in exc.reason or "JSON" in exc.reason or "headers" in exc.reason or "feed" in exc.reason:
                refused.append((page.name, exc.reason))
    assert refused == []


def test_wire_text_with_a_colon_heading_is_not_headers() -> None:
    text = "Date: 7 September\n\nTEHRAN - " + "The minister said the talks would go on. " * 10
    assert parse(raw(text, "text")).body


def test_json_in_an_article_is_not_the_body_being_json() -> None:
    text = 'The API returned this: {"status": "ok"}. ' + "Engineers said it worked as planned. " * 10
    assert parse(raw(text, "text")).body
