from __future__ import annotations

import random

from services.parse.text import drop_control_chars, looks_binary, tidy_text, truncate


def test_binary_data_decoded_as_text_looks_binary():
    noise = random.Random(7).randbytes(5_000)

    assert looks_binary(noise.decode("latin-1"))
    assert looks_binary(noise.decode("utf-8", errors="replace"))


def test_text_in_any_script_does_not_look_binary():
    assert not looks_binary("Secretary of Iran's High Council for Human Rights urged the countries.")
    assert not looks_binary("엘제이의 리벤지인가, 류화영의 코스프레인가\n\n[엔터미디어=정덕현의 이슈공감]")
    assert not looks_binary("")


def test_control_and_zero_width_characters_are_dropped_but_newlines_stay():
    assert drop_control_chars("a\x00b\u200bc\ufeff\td\ne\x85") == "abc\td\ne"


def test_tidy_text_keeps_paragraphs_and_drops_stray_spaces():
    text = "  First  paragraph.\u00a0 \r\n\r\n\r\n\n Second\tparagraph,\n  continued. \u00a0"

    assert tidy_text(text) == "First paragraph.\n\nSecond paragraph,\ncontinued."


def test_truncate_cuts_at_a_line_break_near_the_end():
    text = "a" * 95 + "\n" + "b" * 50

    assert truncate(text, 100) == "a" * 95
    assert truncate("c" * 150, 100) == "c" * 100
    assert truncate("short", 100) == "short"
