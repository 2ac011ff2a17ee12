"""Feeds: one article per item with content, with the item's own link, title, authors and date."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.ingest.formats import Article, Skip, open_file
from services.ingest.formats.feeds import LONG_DESCRIPTION_WORDS, NEEDS_FETCHING
from services.ingest.scrapers import parse_date

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize("name", ["feed-rss.xml", "feed-atom.xml"])
def test_items_with_content_are_articles_and_summaries_need_fetching(name: str) -> None:
    items = list(open_file(FIXTURES / name).items)
    articles = [i for i in items if isinstance(i, Article)]
    skipped = [i for i in items if isinstance(i, Skip)]

    assert [a.submission["url"] for a in articles] == [
        "http://127.0.0.1:21810/tram-line.html",
        "http://127.0.0.1:21810/flood-warning.html",
    ]
    assert [a.submission["title"] for a in articles] == [
        "Northbridge council approves a tram line to the harbour",
        "Flood warning for the Vessel valley after three days of rain",
    ]
    # Each item's own date, never the feed's update time (2026-03-07).
    dates = [parse_date(a.submission["published_at"], "published_at").isoformat() for a in articles]
    assert dates == ["2026-03-04T09:30:00+01:00", "2026-03-05T17:05:00+01:00"]
    assert all(a.submission["authors"] == ["Courier staff"] for a in articles)
    assert "harbour district" in articles[0].submission["html"]
    assert "Vessel" not in articles[0].submission["html"]  # items are never merged into one body
    assert [(s.reason, s.detail) for s in skipped] == [(NEEDS_FETCHING, "http://127.0.0.1:21810/battery-study.html")]


def test_a_long_description_is_the_article(tmp_path: Path) -> None:
    words = " ".join(["word"] * LONG_DESCRIPTION_WORDS)
    feed = tmp_path / "feed"
    feed.write_text(
        f"""<rss version="2.0"><channel><title>C</title>
        <item><title>Long</title><link>https://a.example/1</link><description>&lt;p&gt;{words}&lt;/p&gt;</description></item>
        <item><title>Short</title><link>https://a.example/2</link><description>A teaser.</description></item>
        </channel></rss>"""
    )
    items = list(open_file(feed).items)
    assert isinstance(items[0], Article) and f"<p>{words}</p>" in items[0].submission["html"]
    assert isinstance(items[1], Skip) and items[1].reason == NEEDS_FETCHING


def test_entities_in_a_feed_are_not_expanded(tmp_path: Path) -> None:
    feed = tmp_path / "evil.xml"
    feed.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<rss><channel><item><title>&x;</title><link>https://a.example/1</link>"
        "<description>teaser</description></item></channel></rss>"
    )
    items = list(open_file(feed).items)
    assert all("root:" not in repr(i) for i in items)
