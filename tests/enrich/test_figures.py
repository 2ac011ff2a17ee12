from __future__ import annotations

from services.enrich.figures import figures


def _read(text: str) -> list[tuple[str, float | None, str, str | None, str | None]]:
    return [(f.text, f.value, f.kind, f.unit, f.qualifier) for f in figures(text)]


def test_out_of_shares_what_the_second_number_counts():
    text = "Since 1979, approximately 12,000 out of almost 17,000 Iranians have lost their lives."
    assert _read(text) == [
        ("approximately 12,000", 12000.0, "count", "Iranians", "approximately"),
        ("almost 17,000 Iranians", 17000.0, "count", "Iranians", "almost"),
    ]


def test_money_percent_and_quantities():
    text = "It paid $5 million, or 3.5% of the total, for 120 km of road and 20 million euros more."
    assert _read(text) == [
        ("$5 million", 5e6, "money", "USD", None),
        ("3.5%", 3.5, "percent", "%", None),
        ("120 km", 120.0, "quantity", "km", None),
        ("20 million euros", 2e7, "money", "EUR", None),
    ]


def test_years_times_ordinals_decades_and_bare_numbers_are_not_figures():
    text = "In 1979, at 10:30 on the 3rd, in the 1980s, the score was 4 to 2 on page 12."
    assert figures(text) == []


def test_offsets_point_at_the_figure_text():
    text = "Officials said more than 17,000 innocent people were killed in thousands of attacks."
    for figure in figures(text):
        assert text[figure.start : figure.end] == figure.text
    assert [f.unit for f in figures(text)] == ["innocent people", "attacks"]
