from __future__ import annotations

import pytest

from services.parse.byline import agency_in_byline, author_names, first_name_first, with_coauthors


def test_bylines_split_into_person_names_without_by():
    assert author_names(["By Tom Krisher; Lisa Mascaro"]) == ["Tom Krisher", "Lisa Mascaro"]
    assert author_names(["by  Jamelle   Bouie"]) == ["Jamelle Bouie"]
    assert author_names(["Ana Swanson and Jim Tankersley"]) == ["Ana Swanson", "Jim Tankersley"]
    assert author_names([]) == []


def test_the_same_person_twice_is_one_author():
    assert author_names(["Ana Swanson", "ana swanson", "Troy L. Smith", "Troy L Smith"]) == [
        "Ana Swanson",
        "Troy L. Smith",
    ]


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By TOM KRISHER, AP Auto Writer", ["Tom Krisher"]),
        ("Troy L. Smith, Cleveland.com", ["Troy L. Smith"]),
        ("Amy Kuperinsky | NJ Advance Media for NJ.com", ["Amy Kuperinsky"]),
        ("Finian Cunningham. Sputnik International", ["Finian Cunningham"]),
        ("Victor Tangermann, Futurism", ["Victor Tangermann"]),
        ("Текст: Венера Ерофеева", ["Венера Ерофеева"]),
        ("Marcus de Guzman", ["Marcus de Guzman"]),
    ],
)
def test_roles_desks_and_affiliations_are_not_names(byline, names):
    assert author_names([byline]) == names


@pytest.mark.parametrize(
    "byline",
    [
        "admin",
        "jdadmin",
        "rmb8090",
        "KWCHCIK",
        "News Nation Bureau",
        "The Water Coolest",
        "the Russian and Syrian defense ministries",
        "https://www.facebook.com/carlos.nadalim",
        "@saraheneedleman",
        "Reuters",
    ],
)
def test_user_names_organisations_urls_and_agencies_are_not_authors(byline):
    assert author_names([byline]) == []


def test_the_site_itself_is_not_an_author():
    assert author_names(["LinkNaija"], site_name="LinkNaija | Nigeria's news", host="www.linknaija.com") == []


def test_an_agency_in_the_byline_is_the_agency():
    assert agency_in_byline(["Associated Press"]) == "AP"
    assert agency_in_byline(["By TOM KRISHER, AP Auto Writer"]) == "AP"
    assert agency_in_byline(["REUTERS"]) == "Reuters"
    assert agency_in_byline(["Jamelle Bouie"]) is None


def test_dates_in_a_byline_are_not_names():
    assert author_names(["Mike Wuerthele; November"]) == ["Mike Wuerthele"]


def test_a_month_inside_a_name_is_part_of_it_and_after_it_is_the_date():
    assert author_names(["Laura June Topolsky"]) == ["Laura June Topolsky"]
    assert author_names(["Nathan Willis March"]) == ["Nathan Willis"]
    assert author_names(["Mike Wuerthele and Malcolm Owen Monday"]) == ["Mike Wuerthele", "Malcolm Owen"]
    assert author_names(["November"]) == []


def test_the_date_a_byline_ends_with_is_cut_off():
    assert author_names(["By Nathan Willis March 25, 2015"]) == ["Nathan Willis"]
    assert author_names(["By GILLIAN MOHNEY March 11, 2015 3:46 PM"]) == ["Gillian Mohney"]
    # A figure inside a word is part of a name, which is then no person's.
    assert author_names(["VonBR24 Redaktion"]) == []


def test_dublin_core_creators_are_read_first_name_first():
    assert first_name_first("Brazil, Rachel") == "Rachel Brazil"
    assert first_name_first("de Jong, Michiel") == "Michiel de Jong"
    # A name and an affiliation, a name and an agency, a list: left as they are.
    for value in ("Victor Tangermann, Futurism", "Rachel Brazil, Reuters", "Smith, Jones, Brown", "Rachel Brazil"):
        assert first_name_first(value) == value


def test_account_and_sharing_links_are_not_names():
    assert author_names(["Sign In| Sign Up| Subscribe"]) == []
    assert author_names(["Twitter Facebook"]) == []
    assert author_names(["By Kelli Miller"]) == ["Kelli Miller"]


def test_what_follows_the_date_in_a_byline_is_not_a_name():
    assert author_names(["Carlos Nadalim 27/09/2018 Comente! Alfabetização, Brinquedos e Brincadeiras"]) == [
        "Carlos Nadalim"
    ]
    assert author_names(["By Jason Cipriani | November 18, 2019 -- 19:14 GMT | Topic: Hardware"]) == ["Jason Cipriani"]


def test_co_authors_come_from_a_visible_byline_that_starts_with_the_stated_author():
    bylines = ["Von Ralf Euler", "By Stefan Becket, Kathryn Watson, Grace Segers"]
    assert with_coauthors(["Stefan Becket"], bylines, None, None) == ["Stefan Becket", "Kathryn Watson", "Grace Segers"]
    # Another author first, a role, or a one-word place in the byline: the stated authors stay.
    for byline in (
        "Rainer Schulze und Stefan Becket",
        "By Stefan Becket, Senior Staff Writer, Kathryn Watson",
        "Stefan Becket, Frankfurt",
    ):
        assert with_coauthors(["Stefan Becket"], [byline], None, None) == ["Stefan Becket"]
