from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from newsflow_schemas import SCHEMA_VERSION, ParsedArticle, RawArticle, StageTimes
from services.common.errors import RejectedInput
from services.parse.core import MAX_TEXT_CHARS, parse

from .conftest import (
    DEV_FETCHED_AT,
    MNA_LICENCE,
    SEED_FETCHED_AT,
    dev_page,
    dev_truth,
    raw_article,
    seed_text,
)

NYT = "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34"
STORY = "The council met on Monday and agreed on a budget for the coming year. " * 4


def test_seed_003_gives_dateline_agency_and_reference():
    parsed = parse(raw_article(seed_text("003"), fetched_at=SEED_FETCHED_AT))

    assert parsed.dateline is not None
    assert parsed.dateline.city == "Tehran"
    assert parsed.dateline.date == date(2024, 9, 7)
    assert parsed.agency == "MNA"
    assert parsed.agency_name == "Mehr News Agency"
    assert parsed.reference == "SKH/5880836"
    assert not parsed.body.startswith("TEHRAN")
    assert not parsed.body.endswith("SKH/5880836")
    assert "5880836" not in parsed.body
    assert parsed.license is None
    assert parsed.warnings == []


def test_seed_000_gives_city_licence_and_agency_from_the_licence():
    parsed = parse(raw_article(seed_text("000"), fetched_at=SEED_FETCHED_AT))

    assert parsed.dateline is not None
    assert parsed.dateline.city == "Tehran"
    assert parsed.dateline.date is None
    assert parsed.license == MNA_LICENCE
    assert MNA_LICENCE not in parsed.body
    assert "Creative Commons" not in parsed.body
    assert (parsed.agency, parsed.agency_name) == ("MNA", "Mehr News Agency")
    assert parsed.body.startswith("Iran's top human rights chief")
    assert parsed.warnings == []


def test_envelope_and_source_fields_are_copied():
    times = StageTimes(ingested_at=datetime(2024, 9, 8, 7, tzinfo=UTC))
    raw = raw_article(
        seed_text("003"),
        article_id="seed-003",
        url="https://en.mehrnews.com/news/5880836",
        source="scraper:mehr",
        fetched_at=SEED_FETCHED_AT,
        times=times,
    )

    parsed = parse(raw)

    assert (parsed.article_id, parsed.trace_id, parsed.schema_version) == ("seed-003", "test-trace", SCHEMA_VERSION)
    assert parsed.times == times
    assert (parsed.url, parsed.source, parsed.fetched_at) == (raw.url, raw.source, raw.fetched_at)


def test_dateline_year_comes_from_ingest_time_when_fetch_time_is_missing():
    raw = raw_article(seed_text("003"), times=StageTimes(ingested_at=datetime(2025, 1, 3, tzinfo=UTC)))

    parsed = parse(raw)

    assert parsed.dateline is not None and parsed.dateline.date == date(2024, 9, 7)


def test_dateline_without_any_time_has_no_date_and_a_warning():
    parsed = parse(raw_article(seed_text("003")))

    assert parsed.dateline is not None and parsed.dateline.date is None
    assert parsed.warnings == ["dateline year unknown: no fetched_at or ingested_at"]


def test_scraper_metadata_fills_what_the_text_does_not_say():
    published = datetime(2024, 9, 7, 9, 30, tzinfo=UTC)
    raw = raw_article(
        seed_text("003"),
        fetched_at=SEED_FETCHED_AT,
        title="  Iran urges  West to expel MKO ",
        authors=["Mehr Desk"],
        published_at=published,
        language="en",
    )

    parsed = parse(raw)

    assert parsed.title == "Iran urges West to expel MKO"
    assert parsed.authors == ["Mehr Desk"]
    assert parsed.published_at == published
    assert parsed.language == "en"


def test_page_metadata_wins_over_the_scraper():
    truth = dev_truth()[NYT]
    raw = raw_article(
        dev_page(NYT),
        "html",
        url=truth["url"],
        fetched_at=DEV_FETCHED_AT,
        title="scraper title",
        authors=["Scraper Author"],
        language="fr",
    )

    parsed = parse(raw)

    assert parsed.title == "Republicans Are Following Trump to Nowhere"
    assert parsed.authors == ["Jamelle Bouie"]
    assert parsed.language == "en-US"
    assert parsed.canonical_url == truth["url"]
    assert parsed.body.startswith("Americans have gone to the polls")


def test_result_survives_the_stream_as_json():
    parsed = parse(raw_article(seed_text("003"), fetched_at=SEED_FETCHED_AT))

    assert ParsedArticle.model_validate_json(parsed.model_dump_json()) == parsed


@pytest.mark.parametrize(
    ("content", "content_type", "reason"),
    [
        ("", "text", "empty content"),
        (" \n\t\u00a0 ", "html", "empty content"),
        (
            random.Random(3).randbytes(4_000).decode("latin-1"),
            "text",
            "content is binary data, not text or html",
        ),
        (random.Random(4).randbytes(4_000).decode("utf-8", "replace"), "html", "content is binary data"),
        (
            "<html><body><div><img src='a.png'></div></body></html>",
            "html",
            "no article text found in the html",
        ),
        (
            f"\n\n{MNA_LICENCE}\n",
            "text",
            "no body text: the content is only a dateline, licence or reference",
        ),
        ("TEHRAN, Sep. 07 (MNA) –\n\nSKH/5880836", "text", "no body text"),
    ],
    ids=["empty", "whitespace", "binary-latin1", "binary-utf8", "no-article", "only-licence", "only-frame"],
)
def test_content_without_a_body_is_rejected_with_a_reason(content, content_type, reason):
    with pytest.raises(RejectedInput) as rejected:
        parse(raw_article(content, content_type))

    assert rejected.value.reason.startswith(reason)


def test_html_without_markup_is_read_as_text():
    parsed = parse(raw_article(f"LONDON (Reuters) - {STORY}", "html"))

    assert parsed.agency == "Reuters"
    assert parsed.warnings == ["content_type is html but the content has no markup: read as text"]


def test_text_that_is_an_html_page_is_read_as_html():
    parsed = parse(raw_article(f"<!DOCTYPE html><html><body><article><p>{STORY}</p></article></body></html>"))

    assert parsed.body == STORY.strip()
    assert parsed.warnings == ["content_type is text but the content is an html page: read as html"]


def test_short_body_is_kept_with_a_warning():
    parsed = parse(raw_article("Officials met on Monday."))

    assert parsed.body == "Officials met on Monday."
    assert parsed.warnings == ["body is short: 24 characters"]


def test_huge_text_is_truncated_with_a_warning():
    content = (STORY + "\n\n") * (MAX_TEXT_CHARS // len(STORY) + 100)

    parsed = parse(raw_article(content))

    assert len(parsed.body) <= MAX_TEXT_CHARS
    assert parsed.warnings == [f"text truncated: read the first {MAX_TEXT_CHARS} of {len(content)} characters"]


def test_nul_and_control_characters_never_reach_the_body():
    parsed = parse(raw_article(f"LONDON (Reuters) - Officials\x00 met\x1b on Monday. {STORY}"))

    assert parsed.body.startswith("Officials met on Monday.")
    assert "\x00" not in parsed.body


@pytest.mark.parametrize("stated", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_a_page_date_with_no_utc_instant_is_no_date(stated: str) -> None:
    # The message schema refuses such a date: the page's must be dropped, not fail the article.
    body = "Body text of the article here. " * 20
    meta = f'<meta property="article:published_time" content="{stated}">'
    html = f"<html><head>{meta}</head><body><p>{body}</p></body></html>"
    raw = RawArticle(article_id="a", trace_id="t", content=html, content_type="html")
    assert parse(raw).published_at is None


def test_scraper_authors_language_and_description_are_cleaned_and_bounded_like_the_title() -> None:
    raw = RawArticle(
        article_id="a",
        trace_id="t",
        content="TEHRAN - " + "A wire with enough words to be a body. " * 10,
        content_type="text",
        authors=["Kazem\x00 Gharibabadi", "\x1b[31mRed\x1b[0m Writer", "x" * 40_000, *(f"Name {i}" for i in range(50))],
        language="en\x1b[2J",
        description="A lede\x00 with\x07 controls",
    )
    parsed = parse(raw)
    assert parsed.authors[:2] == ["Kazem Gharibabadi", "[31mRed[0m Writer"]
    assert len(parsed.authors) <= 10 and all(len(name) <= 1_000 for name in parsed.authors)
    assert parsed.language is None  # not a language tag once cleaned
    assert parsed.description == "A lede with controls"
