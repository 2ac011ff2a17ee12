from __future__ import annotations

from services.enrich.roles import find_roles


def _roles(text: str, *names: str) -> dict[str, list[tuple[str, str | None, bool]]]:
    people = [(text.index(n), text.index(n) + len(n)) for n in names]
    found: dict[str, list[tuple[str, str | None, bool]]] = {}
    for r in find_roles(text, people):
        found.setdefault(text[r.person_start : r.person_end], []).append(
            (r.role.title, r.role.organization, r.role.former)
        )
    return found


def test_title_before_the_name_with_its_country_and_former():
    text = "Former U.S. National Security Advisor John Bolton spoke."
    assert _roles(text, "John Bolton") == {"John Bolton": [("national security advisor", "U.S.", True)]}


def test_a_possessive_person_is_the_affiliation_and_keeps_their_own_role():
    text = "former U.S. President Donald Trump's personal lawyer Rudy Giuliani and others spoke."
    assert _roles(text, "Donald Trump", "Rudy Giuliani") == {
        "Donald Trump": [("president", "U.S.", True)],
        "Rudy Giuliani": [("personal lawyer", "Donald Trump", False)],
    }


def test_apposition_after_the_name_gives_title_and_organisation():
    text = "Kazem Gharibabadi, secretary of Iran’s High Council for Human Rights, wrote a letter."
    assert _roles(text, "Kazem Gharibabadi") == {
        "Kazem Gharibabadi": [("secretary", "Iran’s High Council for Human Rights", False)]
    }


def test_phrases_without_an_office_give_no_role():
    text = "Paris-based John Smith met Jane Doe, who said no, and Max Mustermann, a resident of Berlin."
    assert _roles(text, "John Smith", "Jane Doe", "Max Mustermann") == {}


def test_an_office_opening_a_wire_belongs_to_the_person_opening_the_next_sentence():
    text = (
        "Secretary of Iran's High Council for Human Rights urged the countries to act. "
        "Kazem Gharibabadi made the remarks."
    )
    assert _roles(text, "Kazem Gharibabadi") == {
        "Kazem Gharibabadi": [("secretary", "Iran's High Council for Human Rights", False)]
    }


def test_an_office_opening_without_a_named_person_next_is_not_given_to_anyone():
    text = "Secretary of State urged calm. The talks ended. Kazem Gharibabadi made the remarks."
    assert _roles(text, "Kazem Gharibabadi") == {}
