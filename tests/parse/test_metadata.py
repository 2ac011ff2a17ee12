from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import lxml.html
import pytest

from services.parse.metadata import (
    MAX_FIELD_CHARS,
    canonical_url,
    clean_title,
    declared_language,
    image_url,
    one_line,
    published_at,
    updated_at,
)


def page(head: str = "", html_attributes: str = "") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html {html_attributes}><head>{head}</head><body><p>x</p></body></html>")


def test_site_name_appended_to_the_title_is_removed():
    assert clean_title("Best tech gadgets of 2019 | ZDNet", "ZDNet") == "Best tech gadgets of 2019"
    assert clean_title("Spiced Honey Pear Jam Recipe - The Anti-June Cleaver", "The Anti-June Cleaver") == (
        "Spiced Honey Pear Jam Recipe"
    )
    assert clean_title("Opinion | Republicans Are Following Trump", "NYTimes") == (
        "Opinion | Republicans Are Following Trump"
    )
    assert clean_title("ZDNet", "ZDNet") == "ZDNet"


def test_metadata_values_are_one_bounded_line():
    assert one_line("  Iran \n urges\tWest\x00 ") == "Iran urges West"
    assert one_line(" \n ") is None
    assert len(one_line("word " * 10_000) or "") == MAX_FIELD_CHARS


@pytest.mark.parametrize(
    ("tree", "language"),
    [
        (page(html_attributes='lang="en-us"'), "en-US"),
        (page(html_attributes='lang="pt_BR"'), "pt-BR"),
        (page('<meta http-equiv="Content-Language" content="de, en">'), "de"),
        (page('<meta property="og:locale" content="ko_KR">'), "ko-KR"),
        (page(html_attributes='lang="{{ lang }}"'), None),
        (page(), None),
    ],
)
def test_declared_language_is_a_bcp47_tag(tree, language):
    assert declared_language(tree) == language


def test_canonical_link_wins_over_og_url_and_is_made_absolute():
    tree = page('<meta property="og:url" content="https://example.com/og"><link rel="canonical" href="/story/1">')

    assert canonical_url(tree, "https://example.com/story/1?utm=x") == "https://example.com/story/1"
    assert canonical_url(page('<meta property="og:url" content="https://example.com/og">'), None) == (
        "https://example.com/og"
    )
    assert canonical_url(page('<link rel="canonical" href="javascript:alert(1)">'), None) is None


def test_published_time_with_offset_is_kept_as_stated():
    tree = page('<meta property="article:published_time" content="2019-11-20T11:06:01+05:30">')
    warnings: list[str] = []

    published = published_at(tree, None, "2019-11-20T00:00:00", None, None, warnings)

    assert published == datetime(2019, 11, 20, 11, 6, 1, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert warnings == []


def test_published_time_is_read_from_json_ld():
    tree = page(
        '<script type="application/ld+json">'
        '{"@type": "NewsArticle", "datePublished": "2019-11-19T11:00:09.000Z"}'
        "</script>"
    )

    assert published_at(tree, None, None, None, None, []) == datetime(2019, 11, 19, 11, 0, 9, tzinfo=UTC)


def test_date_without_zone_is_taken_as_utc_with_a_warning():
    warnings: list[str] = []

    published = published_at(page(), None, "2019-11-19T00:00:00", None, None, warnings)

    assert published == datetime(2019, 11, 19, tzinfo=UTC)
    assert warnings == ["published_at: the page gives a date only, taken as 00:00 UTC"]


def test_published_time_after_the_fetch_is_ignored():
    tree = page('<meta property="article:published_time" content="2031-01-01T00:00:00Z">')
    latest = datetime(2019, 11, 22, tzinfo=UTC)

    assert published_at(tree, None, None, None, latest, []) is None


def test_unreadable_published_time_is_no_time():
    assert published_at(page('<meta name="pubdate" content="last Tuesday">'), None, None, None, None, []) is None


def test_written_time_with_a_us_zone_keeps_its_offset():
    tree = page('<meta property="article:published_time" content="November 19, 2019, 07:47 PM EST">')
    expected = datetime(2019, 11, 19, 19, 47, tzinfo=timezone(timedelta(hours=-5)))
    assert published_at(tree, None, None, None, None, []) == expected


def test_updated_time_comes_from_modified_meta_tags():
    tree = page('<meta property="article:modified_time" content="2019-11-19T16:43:09+00:00">')
    assert updated_at(tree, None, None) == datetime(2019, 11, 19, 16, 43, 9, tzinfo=UTC)
    assert updated_at(page(), "2019-11-20T10:37:05+0000", None) == datetime(2019, 11, 20, 10, 37, 5, tzinfo=UTC)
    assert updated_at(page(), None, None) is None


def test_lead_image_is_absolute():
    tree = page('<meta property="og:image" content="/img/lead.jpg">')
    assert image_url(tree, None, "https://news.example/a/1") == "https://news.example/img/lead.jpg"
    assert image_url(page(), "https://cdn.example/b.png", None) == "https://cdn.example/b.png"
    assert image_url(page(), None, None) is None


def test_placeholder_dates_are_no_date():
    tree = page('<meta property="article:published_time" content="0001-01-01T00:00:00Z">')
    assert published_at(tree, None, None, None, None, []) is None
