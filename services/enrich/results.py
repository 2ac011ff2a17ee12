"""Results and standings lines of sports reports: the names on them are competitors (clubs, mostly), which
the model reads as the places and people they are named after."""

from __future__ import annotations

import re
from typing import NamedTuple

# A name on a results line: capitalised words, with the small words some club names hold ("Queen of the
# South"). At most six words: an unanchored search tries a name at every word, and an unbounded one
# would then read to the end of a long run of capitalised words each time (quadratic).
_NAME = r"[A-Z][\w.'&/-]*(?: (?:[A-Z][\w.'&/-]*|of|the|de|del|la)){0,5}"
# "Kilmarnock 1 Celtic 3", "DETROIT 7 Chicago 4 ( 10 innings )": two names, each with its score.
# The scorers may follow each score in brackets: "Nice 1 ( Debbah 39th ) Bastia 1 ( Drobnjak 82nd )".
_SCORERS = r"(?: \( ?[^()\n]{1,120} ?\))?"
_SCORE_LINE = re.compile(
    rf"^(?P<home>{_NAME}) \d{{1,3}}{_SCORERS} (?P<away>{_NAME}) \d{{1,3}}(?![\w.,:/-])", re.MULTILINE
)
# "Lech Poznan 7 5 0 2 12 9 15", "CHICAGO 64 66 .492 6": a name, then a row of at least four figures.
# One way only to read a run of digits: "\d*\.?\d+" splits one in n ways, and a hostile line of
# digits then takes minutes.
_FIGURE = r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)"
# ... and games behind may be "-" or "7 1/2".
_STANDINGS_LINE = re.compile(rf"^(?P<team>{_NAME}) {_FIGURE}(?: (?:{_FIGURE}(?:/\d+)?|-)){{3,}}[ \t]*$", re.MULTILINE)
# "Wrexham v Bristol": a fixture, alone on its line or in a list of them. "PITTSBURGH AT COLORADO" (a
# schedule in capitals): the first plays at the second's ground, which the text names as a place.
_FIXTURE = re.compile(rf"(?:^|, |: )(?P<home>{_NAME}) (?P<word>v|vs|AT) (?P<away>{_NAME})(?= ?[,.(]|$)", re.MULTILINE)


# A competitor's name, with the particles of people's names ("Aravinda de Silva", "Ruud van Nistelrooy").
_PERSON_NAME = r"[A-Z][\w.'-]*(?: (?:[A-Z][\w.'-]*|de|da|van|von|der|den|della|di|du|le|la|del|dos)){0,5}"
# "Steffi Graf ( Germany )", "1. Linford Christie ( Britain ) 10.19": a name, then a country in brackets;
# "Brann ( Norway ) 2 Shelbourne ( Ireland ) 1", "Lyngby ( Denmark ) v Club Brugge ( Belgium )": clubs.
_BEFORE_BRACKETS = re.compile(rf"(?P<name>{_PERSON_NAME}) \( ?(?P<country>[A-Z][\w.]*(?: [A-Z][\w.]*){{0,3}}) ?\)")
# What joins one side of a match to the other: a score or "v" after the brackets, or before the name.
_SIDE_AFTER = re.compile(r" \d{1,2} [A-Z]| v ")
_SIDE_BEFORE = re.compile(r"(?:\) \d{1,2}|\bv) $")


# "Gerhard Berger ( Austria ) Benetton 1:52.354": after a competitor and country, the team, then a figure.
_TEAM_AFTER = re.compile(rf" (?P<team>{_NAME})(?= [-+]?\d|$)", re.MULTILINE)


class Bracketed(NamedTuple):
    """A name followed by a capitalised name in brackets, and whether the line makes it one side of a match."""

    start: int
    end: int
    bracketed: str
    side: bool
    team: tuple[int, int] | None


def names_before_brackets(text: str) -> list[Bracketed]:
    """Each name followed by a capitalised name in brackets; the caller decides whether that is a country."""
    return [
        Bracketed(
            match.start("name"),
            match.end("name"),
            match.group("country"),
            bool(
                _SIDE_AFTER.match(text, match.end())
                or _SIDE_BEFORE.search(text, max(0, match.start() - 6), match.start())
            ),
            _team_after(text, match.end()),
        )
        for match in _BEFORE_BRACKETS.finditer(text)
    ]


def _team_after(text: str, end: int) -> tuple[int, int] | None:
    team = _TEAM_AFTER.match(text, end)
    return (team.start("team"), team.end("team")) if team else None


# "( Cruyff 39th minute , Solskjaer 70th )", "Gilbert Agius ( 24th )": a scorer and the minute.
# Inside brackets or a list (not "The 83rd minute", "10th-ranked"), or with the minute in brackets.
_SCORER = re.compile(
    rf"(?:(?<=[(,] )|(?<=\())(?P<listed>{_PERSON_NAME}) \d{{1,3}}(?:st|nd|rd|th)(?![\w-])"
    rf"|(?P<named>{_PERSON_NAME}) \( ?\d{{1,3}}(?:st|nd|rd|th)(?: minute)? ?\)"
)


def scorer_names(text: str) -> list[tuple[int, int]]:
    """(start, end) of each name followed by an ordinal, the minute a player scored or was sent off."""
    return [match.span(match.lastgroup or "named") for match in _SCORER.finditer(text)]


# A batting line of a cricket scorecard: "D. Cork c Moin Khan b Waqar Younis 0", "A. Flower lbw b Flemming 0".
_BATTING_LINE = re.compile(
    rf"^(?P<batsman>{_PERSON_NAME}) (?:(?:c|st) (?P<fielder>{_PERSON_NAME}) |lbw |c & )?b (?P<bowler>{_PERSON_NAME})"
    r" \d{1,3}\b",
    re.MULTILINE,
)


# A bowler's figures, overs-maidens-runs-wickets: "Mullally 9-3-28-0", "Wasim Akram 20.1-4-55-3".
_BOWLING = re.compile(rf"(?P<bowler>{_PERSON_NAME}) \d{{1,3}}(?:\.\d)?-\d{{1,3}}-\d{{1,3}}-\d{{1,2}}\b")


def scorecard_names(text: str) -> list[tuple[int, int]]:
    """(start, end) of the players named on each batting line of a cricket scorecard and before each
    bowler's figures."""
    return [
        match.span(group)
        for match in _BATTING_LINE.finditer(text)
        for group in ("batsman", "fielder", "bowler")
        if match.start(group) >= 0
    ] + [match.span("bowler") for match in _BOWLING.finditer(text)]


# A cricket side's innings: "Essex 532-8", "Kent 301 all out", "Durham 326 ( D. Cox 95 not out , ...".
_INNINGS = re.compile(
    rf"(?:^|: )(?P<side>{_NAME}) (?:\d{{1,3}}-\d{{1,2}}\b|\d{{1,3}} (?:and \d|\( ?[A-Z]\.|for \d|all out|declared))",
    re.MULTILINE,
)


def innings_names(text: str) -> list[tuple[int, int]]:
    """(start, end) of each side named with its innings' runs (and wickets) on a line or after a colon."""
    return [match.span("side") for match in _INNINGS.finditer(text)]


def score_line_names(text: str) -> list[tuple[int, int]]:
    """(start, end) of each name on a line that gives two names with a score each."""
    return [
        (match.start(group), match.end(group)) for match in _SCORE_LINE.finditer(text) for group in ("home", "away")
    ]


def fixture_names(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(start, end) of the sides of each fixture ("Wrexham v Bristol"), and of the grounds ("AT COLORADO")."""
    sides: list[tuple[int, int]] = []
    grounds: list[tuple[int, int]] = []
    for match in _FIXTURE.finditer(text):
        sides.append((match.start("home"), match.end("home")))
        away_end = match.end("away")
        if re.search(r"[^\W\d]{4}\.$", match.group("away")):
            away_end -= 1  # the sentence's full stop ("Wrexham v Bristol."), not an abbreviation ("Notts Co.")
        (grounds if match.group("word") == "AT" else sides).append((match.start("away"), away_end))
    return sides, grounds


def standings_tables(text: str) -> list[list[tuple[int, int]]]:
    """For each table (rows on consecutive lines), the (start, end) of the name opening each row."""
    tables: list[list[tuple[int, int]]] = []
    row_end = -1
    for match in _STANDINGS_LINE.finditer(text):
        if not tables or match.start() != row_end + 1:
            tables.append([])
        tables[-1].append((match.start("team"), match.end("team")))
        row_end = match.end()
    return tables
