from __future__ import annotations

from services.enrich.language import connecting_words, detect_language, prose

from .conftest import FRENCH, GERMAN, seed_text


def test_seeds_are_english():
    for number in ("000", "003"):
        language, confidence = detect_language(seed_text(number))
        assert language == "en"
        assert 0.9 < confidence <= 1.0


def test_german_and_french_paragraphs():
    assert detect_language(GERMAN)[0] == "de"
    assert detect_language(FRENCH)[0] == "fr"


def test_confidence_is_a_probability():
    _, confidence = detect_language(GERMAN + " " + FRENCH)
    assert 0.0 < confidence <= 1.0


def test_too_short_or_wordless_text_has_no_language():
    assert detect_language("Hello there") == (None, 0.0)
    assert detect_language("") == (None, 0.0)
    assert detect_language("12,000 17,000 1979 2019 ... 3.5% -- 44 " * 5) == (None, 0.0)


def test_a_results_table_is_not_prose_and_the_language_comes_from_the_sentences():
    table = "\n".join(["Manchester United 3 Chelsea 1", "Leeds 0 Aston Villa 2", "Derby 1 Wimbledon 1"] * 4)
    text = "Results of English first division soccer matches played on Saturday:\n" + table
    assert prose(text) == "Results of English first division soccer matches played on Saturday:"
    assert prose("ARSENAL BEAT CHELSEA IN LONDON DERBY AT HIGHBURY") == ""


def test_connecting_words_are_the_words_in_lower_case():
    table = "Results of Polish first division\nAmica Wronki 3 Hutnik Krakow 0\nSaeed Anwar not out 116"
    assert connecting_words(table) == "of first division not out"
