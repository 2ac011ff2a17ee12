from __future__ import annotations

from services.enrich.caps import caps_lines, carry_into_caps

TEXT = "GERMANY BEAT RUSSIA IN BONN FINAL\nGermany beat Russia 3-1 in Bonn on Sunday, Klaus Meyer said."


def _named(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    return [(text[s:e], label) for s, e, label in spans]


def test_all_caps_lines_are_headlines_and_a_one_word_line_or_prose_is_not() -> None:
    assert caps_lines(TEXT) == [(0, 33)]
    assert caps_lines("LONDON\nThe Prime Minister spoke.") == []


def test_a_headline_keeps_only_the_names_the_body_uses_typed_as_in_the_body() -> None:
    body = [(34, 41, "GPE"), (47, 53, "GPE"), (61, 65, "GPE"), (77, 88, "PERSON")]
    model = [(0, 12, "ORG"), (25, 33, "ORG")]  # "GERMANY BEAT", "BONN FINAL": the model's guesses
    found = carry_into_caps(TEXT, model + body)
    assert _named(TEXT, found) == [
        ("GERMANY", "GPE"),
        ("RUSSIA", "GPE"),
        ("BONN", "GPE"),
        ("Germany", "GPE"),
        ("Russia", "GPE"),
        ("Bonn", "GPE"),
        ("Klaus Meyer", "PERSON"),
    ]


def test_text_without_caps_lines_is_left_as_it_is() -> None:
    text = "Germany beat Russia."
    assert carry_into_caps(text, [(0, 7, "GPE")]) == [(0, 7, "GPE")]


def test_a_headline_names_a_person_of_the_body_by_the_surname_alone():
    text = "FOWLER AND MCMANAMAN OUT OF SQUAD\nRobbie Fowler and Steve McManaman were left out."
    body = [(34, 47, "PERSON"), (52, 67, "PERSON")]
    assert _named(text, carry_into_caps(text, body)) == [
        ("FOWLER", "PERSON"),
        ("MCMANAMAN", "PERSON"),
        ("Robbie Fowler", "PERSON"),
        ("Steve McManaman", "PERSON"),
    ]
