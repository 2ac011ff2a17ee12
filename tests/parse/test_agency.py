from __future__ import annotations

import pytest

from services.parse.agency import AGENCIES, agency_code, agency_name, find_agency


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("MNA", "Mehr News Agency"),
        ("AP", "Associated Press"),
        ("AFP", "Agence France-Presse"),
        ("Reuters", "Reuters"),
        ("Xinhua", "Xinhua News Agency"),
        ("IRNA", "Islamic Republic News Agency"),
    ],
)
def test_codes_and_names_map_both_ways(code, name):
    assert agency_name(code) == name
    assert agency_code(name) == code
    assert agency_code(code) == code


def test_every_name_maps_back_to_its_code():
    assert all(agency_code(name) == code for code, name in AGENCIES.items())


def test_codes_and_names_are_found_in_any_letter_case():
    assert agency_code("REUTERS") == "Reuters"
    assert agency_code("xinhua") == "Xinhua"
    assert agency_code("mehr  news   agency") == "MNA"
    assert agency_code("The Associated Press") == "AP"


def test_unknown_names_have_no_code():
    assert agency_code("Tehran Times") is None
    assert agency_name("CNN") is None


def test_licence_and_copyright_lines_name_their_agency():
    assert find_agency("All Content by Mehr News Agency is licensed under a Creative Commons") == "MNA"
    assert find_agency("© 2024 The Associated Press. All rights reserved.") == "AP"
    assert find_agency("Copyright 2024 Thomson Reuters.") == "Reuters"


def test_codes_are_found_only_as_written():
    assert find_agency("Copyright 2024 AP") == "AP"
    assert find_agency("a map of the gap") is None
    assert find_agency("All rights reserved.") is None
