from __future__ import annotations

import time

import pytest

from services.enrich import results
from services.enrich.results import (
    fixture_names,
    innings_names,
    names_before_brackets,
    score_line_names,
    scorecard_names,
    scorer_names,
    standings_tables,
)

RESULTS = "Premier division\nQueen of the South 2 Dumbarton 1\nDETROIT 7 Chicago 4 ( 10 innings )\nMhow 2 Yellow 12,700"
STANDINGS = "Standings :\nLech Poznan 7 5 0 2 12 9 15\nCHICAGO 64 66 .492 6\n\nNet Income 821 512 565 301"


def _names(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in spans]


def test_a_score_line_gives_two_names_each_with_a_score():
    assert _names(RESULTS, score_line_names(RESULTS)) == ["Queen of the South", "Dumbarton", "DETROIT", "Chicago"]


def test_standings_rows_on_consecutive_lines_are_one_table():
    tables = standings_tables(STANDINGS)
    assert [_names(STANDINGS, table) for table in tables] == [["Lech Poznan", "CHICAGO"], ["Net Income"]]


def test_prose_is_no_results_line():
    text = "Ajax beat PSV 2 1 in Amsterdam .\nThe Dow rose 12 points to 5,700 ."
    assert score_line_names(text) == []
    assert standings_tables(text) == []


def test_fixtures_give_their_sides_and_a_schedule_in_capitals_its_ground():
    text = "Postponed : Peterborough v Notts County , Wrexham v Bristol .\nTEXAS AT MINNESOTA\nLunch at Home"
    sides, grounds = fixture_names(text)
    assert _names(text, sides) == ["Peterborough", "Notts County", "Wrexham", "Bristol", "TEXAS"]
    assert _names(text, grounds) == ["MINNESOTA"]


def test_a_standings_row_may_end_in_games_behind():
    text = "EASTERN DIVISION\nNEW YORK 74 63 .540 -\nBOSTON 67 70 .489 7 1/2"
    assert [_names(text, table) for table in standings_tables(text)] == [["NEW YORK", "BOSTON"]]


def test_a_name_before_brackets_is_a_side_when_a_score_or_v_joins_it_to_another():
    text = "Anna Kovac ( Croatia ) beat Lena Marsh ( Germany ) 6-4\nBrann ( Norway ) 2 Shelbourne ( Ireland ) 1"
    found = [(text[b.start : b.end], b.bracketed, b.side) for b in names_before_brackets(text)]
    assert found == [
        ("Anna Kovac", "Croatia", False),
        ("Lena Marsh", "Germany", False),
        ("Brann", "Norway", True),
        ("Shelbourne", "Ireland", True),
    ]


def test_a_score_line_may_name_the_scorers_in_brackets():
    text = "Nice 1 ( Debbah 39th ) Bastia 1 ( Drobnjak 82nd )"
    assert _names(text, score_line_names(text)) == ["Nice", "Bastia"]


def test_scorers_are_the_names_before_the_minute_in_a_list_or_with_it_in_brackets():
    text = (
        "Ajax 2 ( Cruyff 39th minute , Solskjaer 70th ) Genk 0\nValletta - Gilbert Agius ( 24th )\n"
        "The 83rd minute shot won it . Promising 10th-ranked Chanda Rubin withdrew ."
    )
    assert _names(text, scorer_names(text)) == ["Cruyff", "Solskjaer", "Gilbert Agius"]


def test_a_batting_line_names_the_batsman_the_fielder_and_the_bowler():
    text = "D. Cork c Moin Khan b Waqar Younis 0\nA. Flower lbw b Flemming 0\nC. Lewis not out 12\nExtras 14"
    assert _names(text, scorecard_names(text)) == ["D. Cork", "Moin Khan", "Waqar Younis", "A. Flower", "Flemming"]


def test_a_bowlers_figures_name_the_bowler():
    text = "Bowling : Lewis 9-1-49-0 , Wasim Akram 20.1-4-55-3 . Score 9-1 ."
    assert _names(text, scorecard_names(text)) == ["Lewis", "Wasim Akram"]


def test_an_innings_names_the_side_by_its_runs_and_wickets():
    text = "At Chelmsford : Essex 532-8\nDurham 326 ( D. Cox 95 not out )\nWindows 95 ( the software ) sold well ."
    assert _names(text, innings_names(text)) == ["Essex", "Durham"]


def test_the_layouts_are_read_in_plain_punctuation_too():
    # Reuters' CoNLL text puts spaces around punctuation; pages and wires mostly do not.
    text = (
        "Postponed: Peterborough v Notts County, Wrexham v Bristol.\n"
        "Nice 1 (Debbah 39th) Bastia 1 (Drobnjak 82nd)\n"
        "Anna Kovac (Croatia) beat Lena Marsh (Germany) 6-4\n"
        "Durham 326 (D. Cox 95 not out)"
    )
    sides, _ = fixture_names(text)
    assert _names(text, sides) == ["Peterborough", "Notts County", "Wrexham", "Bristol"]
    assert _names(text, score_line_names(text)) == ["Nice", "Bastia"]
    assert _names(text, scorer_names(text)) == ["Debbah", "Drobnjak"]
    assert [text[b.start : b.end] for b in names_before_brackets(text)] == ["Anna Kovac", "Lena Marsh"]
    assert _names(text, innings_names(text)) == ["Durham"]


@pytest.mark.parametrize(
    "text",
    [
        "Abc " + "1" * 200_000,  # a run of digits: took minutes when a figure could be split n ways
        "A" + " Bb" * 100_000 + " 1",  # capitalised words: each search read to the end of the run
        "Ann ( " + "B " * 100_000 + ")",
        " ".join(["Ann de"] * 100_000),
        "Abc" + " 1.1" * 50_000 + " -x",
        ("Kilmarnock 1 ( " + "x" * 119 + " ) ") * 2_000,
    ],
    ids=["digits", "capitalised-words", "brackets", "particles", "figures", "scorers"],
)
def test_hostile_lines_are_read_quickly(text: str) -> None:
    started = time.perf_counter()
    results.score_line_names(text)
    results.standings_tables(text)
    results.fixture_names(text)
    results.names_before_brackets(text)
    results.scorer_names(text)
    results.scorecard_names(text)
    results.innings_names(text)
    assert time.perf_counter() - started < 10  # a blow-up guard (minutes), not a speed goal
