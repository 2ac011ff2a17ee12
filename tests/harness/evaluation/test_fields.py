"""The scoring conventions of `newsflow eval sets`: what counts as the same title, authors and day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from newsflow_harness.evaluation.devsets import DevPage, expected_text
from newsflow_harness.evaluation.fields import byline_names, credits, same_credits, same_day, same_title


def page(**fields: object) -> DevPage:
    defaults: dict[str, object] = {"name": "p", "html": "", "url": "https://www.spiegel.de/a", "fetched_at": None}
    return DevPage(**{**defaults, **fields})  # type: ignore[arg-type]


def test_titles_compare_without_soft_hyphens_case_or_quote_style() -> None:
    assert same_title(
        page(title="Trump plant Helikopter\xadlandeplatz"), "fundus-dev", "trump plant helikopterlandeplatz"
    )
    assert same_title(page(title="“Quoted” title"), "fundus-dev", '"Quoted" title')
    assert not same_title(page(title="Title"), "fundus-dev", "Kicker: Title")


def test_readability_titles_accept_the_title_without_the_site_name() -> None:
    assert same_title(page(title="Daring Fireball: Colophon"), "readability-dev", "Colophon")
    assert same_title(page(title="Story | Site"), "readability-dev", "Story")
    assert not same_title(page(title="Story | Site"), "fundus-dev", "Story")


def test_agencies_count_as_codes_and_the_site_desks_and_handles_are_not_authors() -> None:
    spiegel = page(site="SpiegelOnline")
    assert credits(
        ["DER SPIEGEL", "Redaktion Politik", "ssi", "Paula Steiger", "Deutsche Presse-Agentur"], spiegel
    ) == (
        frozenset({"paula steiger"}),
        frozenset({"dpa"}),
    )
    assert credits(["Le Figaro et AFP"], page(site="LeFigaro")) == (frozenset(), frozenset({"afp"}))
    assert same_credits(["JÖRG ZSCHOCHE", "Dr. Max Kolter"], ["Jörg Zschoche", "Max Kolter"], spiegel)
    assert not same_credits(["Anna Martel", "Lea Wagner"], ["Anna Martel"], spiegel)


def test_people_only_sets_ignore_the_agency() -> None:
    assert same_credits([], ["Reuters"], page(), people_only=True)
    assert not same_credits([], ["Reuters"], page())


def test_readability_bylines_are_cut_into_names() -> None:
    assert byline_names("Martin Untersinger (avec Damien Leloup et Morgane Tual)") == [
        "Martin Untersinger",
        "Damien Leloup",
        "Morgane Tual",
    ]
    assert byline_names("by Lucas Nolan22 Dec 2016651") == ["Lucas Nolan"]
    assert byline_names("By Nathan Willis\n   March 25, 2015") == ["Nathan Willis"]
    assert byline_names("Written by Rob Ewaschuk\n Edited by Betsy Beyer") == ["Rob Ewaschuk", "Betsy Beyer"]


def test_a_day_is_read_in_the_offset_of_the_truth() -> None:
    berlin = timezone(timedelta(hours=2))
    late_utc = datetime(2024, 8, 7, 22, 30, tzinfo=UTC)  # 00:30 the next day in Berlin
    assert same_day("2024-08-08 00:30:00+02:00", late_utc)
    assert not same_day("2024-08-07 23:00:00+00:00", late_utc.astimezone(berlin) + timedelta(hours=2))
    assert same_day("2024-08-08 10:00:00+02:00", date(2024, 8, 8))
    assert not same_day("2024-08-08 10:00:00+02:00", date(2024, 8, 7))
    assert not same_day("2024-08-08", None)


def test_expected_readability_content_keeps_one_line_per_block() -> None:
    assert expected_text("<div><p>One <b>bold</b> line</p><p>Two</p></div>") == "One bold line\nTwo"
