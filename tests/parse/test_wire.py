from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest

from services.parse.wire import dateline_date, parse_wire

from .conftest import MNA_LICENCE, SEED_FETCHED_AT, seed_text


def test_seed_003_dateline_gives_city_date_and_agency():
    parts = parse_wire(seed_text("003"), SEED_FETCHED_AT)

    assert parts.dateline is not None
    assert parts.dateline.city == "Tehran"
    assert parts.dateline.date == date(2024, 9, 7)
    assert parts.agency == "MNA"
    assert parts.agency_name == "Mehr News Agency"
    assert parts.warnings == []


def test_seed_003_reference_is_metadata_not_body():
    parts = parse_wire(seed_text("003"), SEED_FETCHED_AT)

    assert parts.reference == "SKH/5880836"
    assert "5880836" not in parts.body
    assert not parts.body.startswith("TEHRAN")
    assert parts.body.startswith("Secretary of Iran's High Council for Human Rights urged the countries")
    assert parts.body.endswith("expected to begin within the next two to three months.")


def test_seed_003_keeps_its_nine_paragraphs_without_stray_spaces():
    body = parse_wire(seed_text("003"), SEED_FETCHED_AT).body

    paragraphs = body.split("\n\n")
    assert len(paragraphs) == 9
    assert all(p == p.strip() and "\n" not in p for p in paragraphs)
    assert "\u00a0" not in body


def test_seed_000_city_only_dateline_has_no_date():
    parts = parse_wire(seed_text("000"), SEED_FETCHED_AT)

    assert parts.dateline is not None
    assert parts.dateline.city == "Tehran"
    assert parts.dateline.date is None
    assert parts.body.startswith("Iran's top human rights chief has blasted the Western countries")


def test_seed_000_licence_footer_is_metadata_not_body():
    parts = parse_wire(seed_text("000"), SEED_FETCHED_AT)

    assert parts.license == MNA_LICENCE
    assert "Creative Commons" not in parts.body
    assert "Mehr News Agency" not in parts.body
    assert parts.body.endswith("and to hold them accountable for their atrocities.")
    assert parts.reference is None


def test_seed_000_agency_comes_from_the_licence():
    parts = parse_wire(seed_text("000"), SEED_FETCHED_AT)

    assert parts.agency == "MNA"
    assert parts.agency_name == "Mehr News Agency"


def test_seed_000_second_line_loses_its_leading_space():
    lines = parse_wire(seed_text("000"), SEED_FETCHED_AT).body.split("\n")

    assert len(lines) == 2
    assert lines[1].startswith("Kazem Gharibabadi, secretary of Iran’s High Council")


@pytest.mark.parametrize(
    ("text", "fetched_at", "city", "day", "agency", "agency_name"),
    [
        (
            "WASHINGTON (Reuters) - The U.S. Senate on Tuesday passed a stopgap spending bill.",
            datetime(2024, 3, 5, tzinfo=UTC),
            "Washington",
            None,
            "Reuters",
            "Reuters",
        ),
        (
            "LONDON (AP) — British Prime Minister Rishi Sunak called an early election on Wednesday.",
            datetime(2024, 5, 22, tzinfo=UTC),
            "London",
            None,
            "AP",
            "Associated Press",
        ),
        (
            "PARIS, Jan 5 (AFP) - French farmers blocked roads around the capital on Friday.",
            datetime(2024, 1, 6, tzinfo=UTC),
            "Paris",
            date(2024, 1, 5),
            "AFP",
            "Agence France-Presse",
        ),
        (
            "BEIJING, March 3 (Xinhua) -- China's top political advisory body opened its annual session.",
            datetime(2024, 3, 4, tzinfo=UTC),
            "Beijing",
            date(2024, 3, 3),
            "Xinhua",
            "Xinhua News Agency",
        ),
        (
            "TEHRAN, Sept. 7 (IRNA) - Iran's foreign minister met his Omani counterpart on Saturday.",
            datetime(2024, 9, 8, tzinfo=UTC),
            "Tehran",
            date(2024, 9, 7),
            "IRNA",
            "Islamic Republic News Agency",
        ),
        (
            "NEW YORK, Jan. 5, 2023 (AP) — Stocks rose on Wall Street after a strong jobs report.",
            datetime(2024, 6, 1, tzinfo=UTC),
            "New York",
            date(2023, 1, 5),
            "AP",
            "Associated Press",
        ),
        (
            "WINSTON-SALEM, N.C. (AP) — A tornado damaged dozens of homes overnight, officials said.",
            datetime(2024, 4, 2, tzinfo=UTC),
            "Winston-Salem",
            None,
            "AP",
            "Associated Press",
        ),
        (
            "Paris (AFP) - Le gouvernement a présenté mardi un nouveau plan pour le climat.",
            datetime(2024, 4, 2, tzinfo=UTC),
            "Paris",
            None,
            "AFP",
            "Agence France-Presse",
        ),
    ],
)
def test_agency_datelines_are_split_from_the_story(text, fetched_at, city, day, agency, agency_name):
    parts = parse_wire(text, fetched_at)

    assert parts.dateline is not None
    assert (parts.dateline.city, parts.dateline.date) == (city, day)
    assert (parts.agency, parts.agency_name) == (agency, agency_name)
    story = text.split(") ", 1)[1].lstrip("-—– ")
    assert parts.body == story
    assert parts.warnings == []


def test_agency_without_city_is_an_agency_but_no_dateline():
    parts = parse_wire("(Reuters) - Apple Inc said on Monday it would buy back more shares.", None)

    assert parts.dateline is None
    assert parts.agency == "Reuters"
    assert parts.body == "Apple Inc said on Monday it would buy back more shares."


def test_unknown_agency_is_kept_as_written_with_a_warning():
    parts = parse_wire("ATLANTA (CNN) — Storms knocked out power to thousands of homes.", None)

    assert parts.dateline is not None and parts.dateline.city == "Atlanta"
    assert parts.agency == "CNN"
    assert parts.agency_name is None
    assert parts.warnings == ["unknown agency 'CNN' in dateline"]


@pytest.mark.parametrize(
    "text",
    [
        "Iran's top human rights chief - who spoke on Tuesday - blasted the West.",
        "COVID-19 cases rose again in the capital this week.",
        "The talks - the first in years - ended without a deal.",
        "Officials said on Monday that the bridge would reopen.",
    ],
)
def test_text_without_a_dateline_is_left_alone(text):
    parts = parse_wire(text, None)

    assert parts.dateline is None
    assert parts.agency is None
    assert parts.body == text


def test_dateline_year_rolls_back_over_new_year():
    assert dateline_date(12, 30, datetime(2025, 1, 2, 8, tzinfo=UTC)) == date(2024, 12, 30)
    parts = parse_wire("TEHRAN, Dec. 30 (MNA) – Officials met on Monday.", datetime(2025, 1, 2, tzinfo=UTC))
    assert parts.dateline is not None and parts.dateline.date == date(2024, 12, 30)


def test_dateline_on_the_fetch_day_or_a_day_ahead_is_this_year():
    fetched = datetime(2024, 9, 8, 22, tzinfo=UTC)  # already Sep 9 in Tehran

    assert dateline_date(9, 8, fetched) == date(2024, 9, 8)
    assert dateline_date(9, 9, fetched) == date(2024, 9, 9)


def test_dateline_well_after_the_fetch_is_last_year():
    assert dateline_date(9, 20, datetime(2024, 9, 8, tzinfo=UTC)) == date(2023, 9, 20)


def test_leap_day_dateline_goes_back_to_the_last_leap_year():
    assert dateline_date(2, 29, datetime(2025, 3, 1, tzinfo=UTC)) == date(2024, 2, 29)
    assert dateline_date(2, 30, datetime(2025, 3, 1, tzinfo=UTC)) is None


def test_dateline_year_unknown_without_fetch_time():
    parts = parse_wire(seed_text("003"), None)

    assert parts.dateline is not None
    assert parts.dateline.city == "Tehran"
    assert parts.dateline.date is None
    assert parts.warnings == ["dateline year unknown: no fetched_at or ingested_at"]


def test_impossible_dateline_date_warns_and_keeps_the_city():
    parts = parse_wire("TEHRAN, Sep. 31 (MNA) – Officials met.", datetime(2024, 10, 2, tzinfo=UTC))

    assert parts.dateline is not None
    assert (parts.dateline.city, parts.dateline.date) == ("Tehran", None)
    assert parts.warnings == ["dateline date Sep 31 does not exist"]
    assert parts.body == "Officials met."


def test_title_is_taken_only_from_a_short_first_line_before_a_blank_line():
    text = "Iran urges West to expel MKO terrorists\n\nTEHRAN, Sep. 07 (MNA) – Secretary of the council said."
    parts = parse_wire(text, SEED_FETCHED_AT)

    assert parts.title == "Iran urges West to expel MKO terrorists"
    assert parts.dateline is not None and parts.dateline.date == date(2024, 9, 7)
    assert parts.body == "Secretary of the council said."


@pytest.mark.parametrize(
    "text",
    [
        "The council met on Monday.\n\nIt agreed on a budget.",  # a sentence, not a title
        "Iran urges West to expel MKO terrorists\nTehran said on Monday.",  # no blank line
        "By John Smith\n\nThe council met on Monday.",  # a byline
        "Iran urges West to expel MKO terrorists",  # nothing after it
    ],
)
def test_no_title_unless_the_text_clearly_has_one(text):
    assert parse_wire(text, None).title is None


def test_copyright_line_names_the_agency():
    text = "Stocks rose on Wall Street.\n\n© 2024 The Associated Press. All rights reserved."
    parts = parse_wire(text, None)

    assert parts.license == "© 2024 The Associated Press. All rights reserved."
    assert (parts.agency, parts.agency_name) == ("AP", "Associated Press")
    assert parts.body == "Stocks rose on Wall Street."


def test_a_story_that_ends_on_licensing_keeps_its_last_sentence():
    text = "The artist said. Copyright claims were all licensed under the deal."

    parts = parse_wire(text, None)

    assert parts.license is None
    assert parts.body == text


def test_reference_before_the_licence_is_removed_too():
    text = f"TEHRAN, Sep. 07 (MNA) – Officials met.\n\nSKH/5880836\n\n{MNA_LICENCE}"
    parts = parse_wire(text, SEED_FETCHED_AT)

    assert parts.reference == "SKH/5880836"
    assert parts.license == MNA_LICENCE
    assert parts.body == "Officials met."


def test_dateline_agency_wins_over_the_licence_agency():
    parts = parse_wire(f"LONDON (Reuters) - Officials met.\n\n{MNA_LICENCE}", None)

    assert parts.agency == "Reuters"


@pytest.mark.parametrize(
    "text",
    [
        "TEHRAN, " * 200_000,
        "A" * 2_000_000,
        "(" * 1_000_000 + ")",
        "All content by " * 100_000,
        "Copyright " + "x" * 1_000_000,
        "SKH/" * 500_000 + "1234",
        ("WORD " * 40 + "-\n") * 20_000,
    ],
    ids=[
        "repeated-dateline",
        "one-letter",
        "parentheses",
        "licence-opening",
        "copyright",
        "references",
        "lines",
    ],
)
def test_hostile_text_is_split_quickly(text):
    started = time.perf_counter()
    parse_wire(text, SEED_FETCHED_AT)
    assert time.perf_counter() - started < 10  # a blow-up guard (minutes), not a speed goal
