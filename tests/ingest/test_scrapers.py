"""The scrapers' own JSON, as their tools wrote it, mapped field by field; errors name the scraper's key."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.common.errors import RejectedInput
from services.ingest.core import admit, submission_from_json

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = datetime(2026, 3, 8, tzinfo=UTC)


def fixture(name: str) -> dict:
    data = json.loads((FIXTURES / name).read_text())
    return data[0] if isinstance(data, list) else data


def test_news_please_serialisable_dict_with_none_strings() -> None:
    item = fixture("news-please.json")
    assert item["date_modify"] == "None"  # what news-please writes for a missing date
    item["date_download"] = "None"

    raw = admit(submission_from_json(item), "t", NOW, 5_000_000)

    assert raw.url == "http://127.0.0.1:21810/tram-line.html"
    assert raw.title == "Northbridge council approves a tram line to the harbour"
    assert raw.authors == ["Maria Lindqvist"]
    assert raw.published_at == datetime(2026, 3, 4, 9, 30)
    assert raw.fetched_at is None
    assert raw.content_type == "text" and raw.content.startswith("NORTHBRIDGE - The city council")
    assert raw.description is not None and raw.description.startswith("NORTHBRIDGE")
    assert raw.source == "127.0.0.1"  # source_domain
    assert raw.language == "en"


def test_trafilatura_source_is_the_url() -> None:
    item = fixture("trafilatura.json")
    assert "url" not in item

    raw = admit(submission_from_json(item), "t", NOW, 5_000_000)

    assert raw.url == "http://127.0.0.1:21810/flood-warning.html"
    assert raw.source == "127.0.0.1:21810"  # hostname is null here: source-hostname
    assert raw.authors == ["Tom Okafor"]
    assert raw.published_at == datetime(2026, 3, 5)
    assert raw.image_url == "/logo.png"
    assert raw.description is not None and raw.description.startswith("The regional weather service")


def test_newspaper4k_cli_list() -> None:
    raw = admit(submission_from_json(fixture("newspaper4k.json")), "t", NOW, 5_000_000)
    assert raw.url == "http://127.0.0.1:21810/tram-line.html"
    assert raw.published_at is not None and raw.published_at.isoformat() == "2026-03-04T09:30:00+01:00"
    assert raw.image_url == "http://127.0.0.1:21810/logo.png"  # top_image
    assert raw.content_type == "text"


def test_fundus_body_sections_become_the_text() -> None:
    raw = admit(submission_from_json(fixture("fundus.json")), "t", NOW, 5_000_000)
    assert raw.title == "University team reports a sodium battery that keeps its charge in the cold"
    assert raw.authors == ["Priya Raman"]
    assert raw.published_at is not None and raw.published_at.isoformat() == "2026-03-06T08:00:00+01:00"
    assert "sodium-ion battery cell" in raw.content
    assert "next year." in raw.content


def test_fundus_page_object_gives_the_url_and_crawl_date() -> None:
    item = {
        **fixture("fundus.json"),
        "html": {"responded_url": "https://news.example/a", "crawl_date": "2026-03-06 09:00:00+00:00"},
    }
    raw = admit(submission_from_json(item), "t", NOW, 5_000_000)
    assert raw.url == "https://news.example/a"
    assert raw.fetched_at == datetime(2026, 3, 6, 9, tzinfo=UTC)


def test_scrapy_item_with_the_page_in_body_is_html() -> None:
    line = (FIXTURES / "scrapy-items.jsonl").read_text().splitlines()[0]
    raw = admit(submission_from_json(json.loads(line)), "t", NOW, 5_000_000)
    assert raw.content_type == "html"
    assert raw.authors == ["Priya Raman"]


@pytest.mark.parametrize("missing", ["None", "null", "", "  ", None])
def test_missing_dates_are_missing_values(missing: str | None) -> None:
    submission = submission_from_json({"maintext": "text", "date_publish": missing, "date_download": missing})
    assert submission.published_at is None and submission.fetched_at is None


def test_an_unreadable_date_is_named_by_the_scrapers_key() -> None:
    with pytest.raises(RejectedInput, match=r"^date_publish: 'last Tuesdayish' is not a date"):
        submission_from_json({"maintext": "text", "date_publish": "last Tuesdayish"})


def test_a_validation_error_is_named_by_the_scrapers_key() -> None:
    with pytest.raises(RejectedInput, match=r"^headline: "):
        submission_from_json({"maintext": "text", "headline": "x" * 5000})


def test_a_source_that_is_an_address_is_not_a_source() -> None:
    submission = submission_from_json({"text": "t", "url": "https://a.example/1", "source": "https://a.example/1"})
    assert submission.url == "https://a.example/1" and submission.source is None
