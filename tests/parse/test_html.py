from __future__ import annotations

import collections
import re
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.common.errors import RejectedInput
from services.parse.html import MAX_ELEMENTS, MAX_HTML_CHARS, extract_html

from .conftest import DEV_FETCHED_AT, dev_page, dev_truth

NYT = "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34"
SPORTSNET_AP = "0d46122928b6f468cc4bbc694051d0dbae5702bc75a16dab82a99b58daf150a0"
DECCAN_REUTERS = "39d5c43beb60605c3eec760c99500e62e7bd71ebbe4ae05edf382125e1b0b80a"
ENTERMEDIA = "0ec95c7261d122f304728e90c983450ef1ce1e0b423546835c397d50aaf0d0f2"
# A guard against blow-ups (quadratic or exponential work on hostile input runs for minutes), not a
# speed goal: the worst page we could build takes under 2 s alone, and CI shares two cores.
TIME_BUDGET_S = 30.0
ARTICLE = (
    "<article>" + "<p>The council met on Monday and agreed on a budget for the coming year.</p>" * 5 + "</article>"
)


def extract_dev(key: str):
    truth = dev_truth()[key]
    return extract_html(dev_page(key), truth["url"], DEV_FETCHED_AT), truth


def words(text: str) -> collections.Counter[str]:
    return collections.Counter(re.findall(r"\w+", text.lower()))


def overlap_f1(found: str, expected: str) -> float:
    common = sum((words(found) & words(expected)).values())
    if not common:
        return 0.0
    precision, recall = common / sum(words(found).values()), common / sum(words(expected).values())
    return 2 * precision * recall / (precision + recall)


def test_nyt_page_gives_body_title_author_time_language_and_canonical_url():
    parts, truth = extract_dev(NYT)

    assert parts.title == "Republicans Are Following Trump to Nowhere"  # the <h1>, not og:title
    assert parts.authors == ["Jamelle Bouie"]
    assert parts.published_at == datetime(2019, 11, 19, 11, 0, 9, tzinfo=UTC)
    assert parts.language == "en-US"
    assert parts.canonical_url == truth["url"]
    assert parts.site_name == "NYTimes"
    assert parts.body.startswith("Americans have gone to the polls four times this month")
    assert overlap_f1(parts.body, truth["articleBody"]) > 0.95
    assert parts.warnings == []


def test_paragraphs_are_separated_by_a_blank_line():
    parts, truth = extract_dev(NYT)

    first_paragraph = truth["articleBody"].split("\n")[0]
    assert parts.body.split("\n\n")[0] == first_paragraph
    assert "\n\n\n" not in parts.body


def test_agency_byline_is_the_agency_not_an_author():
    parts, _ = extract_dev(SPORTSNET_AP)

    assert parts.title == "Nadal keeps Spain alive against Russia in Davis Cup Finals"
    assert (parts.agency, parts.agency_name) == ("AP", "Associated Press")
    assert parts.authors == []


def test_published_time_keeps_the_page_offset():
    parts, _ = extract_dev(DECCAN_REUTERS)

    assert parts.published_at == datetime(2019, 11, 20, 11, 6, 1, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert parts.agency == "Reuters"


def test_korean_page_declares_its_language_and_gives_a_date_only():
    parts, truth = extract_dev(ENTERMEDIA)

    assert parts.language == "ko"
    assert parts.title == "엘제이-류화영 진흙탕 싸움, 공적인 사안으로 봐야하는 이유"  # not the logo <h1>
    assert parts.published_at == datetime(2018, 8, 25, tzinfo=UTC)
    assert parts.warnings == ["published_at: the page gives a date only, taken as 00:00 UTC"]
    assert " ".join(truth["articleBody"].split("\n")[0].split()) in " ".join(parts.body.split())


def test_every_dev_page_gives_a_body_and_a_title_close_to_the_ground_truth():
    scores = []
    for key, truth in dev_truth().items():
        parts = extract_html(dev_page(key), truth["url"], DEV_FETCHED_AT)
        assert parts.body, key
        assert parts.title, key
        scores.append(overlap_f1(parts.body, truth["articleBody"]))

    assert len(scores) == 111
    assert sum(scores) / len(scores) > 0.95
    assert min(scores) > 0.6


def extract_quickly(html: str):
    started = time.perf_counter()
    try:
        return extract_html(html)
    finally:
        assert time.perf_counter() - started < TIME_BUDGET_S


@pytest.mark.parametrize("html", ["", "   \n  ", "\x00\x00"])
def test_empty_page_is_rejected_with_a_reason(html):
    with pytest.raises(RejectedInput, match="html could not be parsed: Document is empty"):
        extract_quickly(html)


def test_page_without_article_text_is_rejected():
    with pytest.raises(RejectedInput, match="no article text found in the html"):
        extract_quickly("<html><head><title>Home</title></head><body><div><img src='a.png'></div></body></html>")


def test_100k_nested_tags_without_text_near_the_top_are_rejected_quickly():
    with pytest.raises(RejectedInput, match="no article text"):
        extract_quickly("<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>")


def test_100k_nested_tags_below_the_article_give_the_article_and_a_warning():
    html = f"<html><body>{ARTICLE}" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>"

    parts = extract_quickly(html)

    assert parts.body.startswith("The council met on Monday")
    assert "html nested too deep: content below the parser's depth limit was dropped" in parts.warnings


def test_huge_page_is_truncated_with_a_warning():
    paragraph = "<p>" + "Officials said the talks would continue next week in the capital. " * 5 + "</p>"
    html = "<html><body><article>" + paragraph * 20_000 + "</article></body></html>"
    assert len(html) > MAX_HTML_CHARS

    parts = extract_quickly(html)

    assert parts.body.startswith("Officials said the talks would continue")
    assert f"html truncated: read the first {MAX_HTML_CHARS} of {len(html)} characters" in parts.warnings


def test_element_bomb_is_cut_to_the_element_budget():
    html = "<html><body>" + ARTICLE + "<div><a href='/x'>x</a></div>" * 150_000 + "</body></html>"

    parts = extract_quickly(html)

    assert parts.body.startswith("The council met on Monday")
    assert any(w.startswith(f"html too large or too deep: read the first {MAX_ELEMENTS} of") for w in parts.warnings)


def test_deep_and_wide_page_is_cut_to_the_depth_budget():
    links = "".join(f"<div><a href='/x{i}'>link {i}</a> and some text after it</div>" for i in range(10_000))
    html = "<html><body>" + "<div>" * 250 + ARTICLE + links + "</div>" * 250 + "</body></html>"

    parts = extract_quickly(html)

    assert parts.body
    assert any(w.startswith("html too large or too deep") for w in parts.warnings)


def test_attribute_bomb_is_read_without_the_attributes():
    attributes = " ".join(f"a{i}='{i}'" for i in range(200_000))
    html = f"<html><body><div {attributes}>{ARTICLE}</div></body></html>"

    parts = extract_quickly(html)

    assert parts.body.startswith("The council met on Monday")
    assert "html has 1 tags with over 100 attributes: read without them" in parts.warnings


def test_thousands_of_scripts_do_not_use_up_the_element_budget():
    html = "<html><body>" + "<script>var a = 1;</script>" * 50_000 + ARTICLE + "</body></html>"

    parts = extract_quickly(html)

    assert parts.body.startswith("The council met on Monday")
    assert parts.warnings == []


def test_page_with_an_xml_encoding_declaration_is_read():
    parts = extract_quickly(f"<?xml version='1.0' encoding='iso-8859-1'?><html><body>{ARTICLE}</body></html>")

    assert parts.body.startswith("The council met on Monday")


def test_control_characters_never_reach_the_body():
    article = ARTICLE.replace("council", "coun\x00cil\x07")
    parts = extract_quickly(f"<html><body>{article}</body></html>")

    assert "\x00" not in parts.body
    assert parts.body.startswith("The council met")
