"""Admission: what becomes a raw article, and the reasons for what does not."""

from datetime import UTC, datetime

import pytest

from services.common.errors import RejectedInput
from services.ingest.core import admit, submission_from_json

NOW = datetime(2024, 9, 8, tzinfo=UTC)


def test_text_submission_becomes_a_raw_text_article_stamped_at_ingest() -> None:
    raw = admit(submission_from_json({"text": "TEHRAN - A wire."}), "trace-1", NOW, 1000)
    assert raw.content_type == "text"
    assert raw.trace_id == "trace-1"
    assert raw.times.ingested_at == NOW
    assert raw.url is None


def test_html_wins_over_text_and_its_canonical_link_gives_the_url() -> None:
    page = '<html><head><link rel="canonical" href="https://news.example/a"></head><body><p>x</p></body></html>'
    raw = admit(submission_from_json({"html": page, "text": "x"}), "t", NOW, 10_000)
    assert raw.content_type == "html"
    assert raw.url == "https://news.example/a"


def test_news_please_json_keys_are_understood() -> None:
    item = {"maintext": "Body.", "title": "T", "url": "https://n.example/1", "date_publish": "2024-09-07 10:00:00",
            "authors": ["A B"], "source_domain": "n.example"}  # fmt: skip
    submission = submission_from_json(item)
    assert submission.text == "Body."
    assert submission.published_at == datetime(2024, 9, 7, 10, 0)
    assert submission.source == "n.example"


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"text": "   "}, "no content"),
        ({"title": "only a title"}, "no content"),
        ({"text": "x" * 2000}, "limit is 1,000"),
        ({"text": "x", "url": "ftp://x/y"}, r"absolute http\(s\) URL"),
        ({"text": "x", "fetched_at": "yesterday"}, "fetched_at"),
        (["not", "an", "object"], "JSON object"),
    ],
)
def test_bad_submissions_are_rejected_with_a_reason(item: object, reason: str) -> None:
    with pytest.raises(RejectedInput, match=reason):
        admit(submission_from_json(item), "t", NOW, 1000)
