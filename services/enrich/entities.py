"""Turn a spaCy Doc's named-entity spans into one Entity per thing the article names.

Beyond the model's spans: junk spans are dropped (licence lines, datelines glued to a name), lists the
model took as one name are split, roles are read around people, an acronym the text defines joins its
long form, a surname joins the full name, a country named two ways ("U.S.", "the United States") is
one entity named as GeoNames names it, and "the group" joins the organisation it clearly means.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple, cast, get_args

from spacy.tokens import Doc

from newsflow_schemas import Entity, Mention, Role
from newsflow_schemas.articles import EntityType

from .caps import carry_into_caps
from .places import country_code, country_name, is_country
from .results import (
    fixture_names,
    innings_names,
    names_before_brackets,
    score_line_names,
    scorecard_names,
    scorer_names,
    standings_tables,
)
from .roles import RoleFound, find_roles

# spaCy labels we keep; counts, percentages and quantities are figures (figures.py), not entities.
KEPT_LABELS: frozenset[str] = frozenset(get_args(EntityType)) - {"OTHER"}
_PLACES = ("GPE", "LOC", "FAC")
# Not a name, whatever the model says: licence and rights lines.
_JUNK = re.compile(r"licen[cs]e|creative commons|copyright|all rights reserved|\(c\)", re.IGNORECASE)
# "TEHRAN- Iran's": a capitalised dateline glued to the first name of the text.
_DATELINE_PREFIX = re.compile(r"[A-Z][A-Z .]{2,30}\s?[-–—]+\s*")
# A DATE span must name a day, month, year or time, not "annual" or "every year".
_CONCRETE_DATE = re.compile(
    r"\d|january|february|march|april|may|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow",
    re.IGNORECASE,
)
# "the group", "the organisation": resolved when one organisation clearly dominates the article.
_NOMINAL_ORG = re.compile(
    r"\b[Tt]he\s+(?:(?:terrorist|militant|notorious|armed|rebel|opposition|cultish-terrorist)\s+)?"
    r"(?:group|organization|organisation)\b(?!['’]s\s+members)"
)
_DOMINANCE = 2  # the organisation named at least twice as often as any other

# Trimmed from both ends of a span: quotes, dashes and punctuation spaCy sometimes takes in.
_EDGE = " \t\n\r\"'“”‘’«»‐‑–—-,;:!?*"
_LEADING_ARTICLE = re.compile(r"(?:the|The|THE)\s+")
_POSSESSIVE = ("'s", "’s")
_DASHES = re.compile(r"[‐‑‒–—]")
# "(MKO)", "(IRGC)", "(DoD)": starts and ends with a capital, short, no nesting (linear on any input).
_PAREN_ACRONYM = re.compile(r"\(([A-Z][A-Za-z&]{0,8}[A-Z])\)")
_WORD = re.compile(r"\S+")
# How far before "(MKO)" a long form may start.
_LONG_FORM_CHARS = 200


class _Found(NamedTuple):
    """A span of the text naming something, before grouping."""

    start: int
    end: int
    type: str


class _Definition(NamedTuple):
    """An acronym the text defines, as in "Mujahedin-e-Khalq Organization (MKO)": both spans."""

    long_start: int
    long_end: int
    acronym_start: int
    acronym_end: int


# Mentions by (type, name key): one group becomes one Entity.
_Groups = dict[tuple[str, str], list[_Found]]


def entities_from_doc(doc: Doc, text: str | None = None) -> list[Entity]:
    """The article's entities, each once, in order of first mention; offsets are into `doc.text` (pass it as
    `text` when at hand: doc.text joins every token anew)."""
    text = doc.text if text is None else text
    model = [_Found(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]  # doc.ents builds anew
    labelled = [(ent.start, ent.end) for ent in model]
    found = [
        _retyped(text, piece)
        for ent in model
        if ent.type in KEPT_LABELS
        for piece in _split_list(text, ent)
        if _kept(text, piece)
    ]
    found = [name for name in (_name_only(text, f) for f in found) if name is not None]
    found = [_Found(*span) for span in carry_into_caps(text, [(f.start, f.end, f.type) for f in found])]
    roles = find_roles(text, [(f.start, f.end) for f in found if f.type == "PERSON"])
    found = _with_role_organizations(text, found, roles)
    found, aliases = _apply_acronyms(text, found)
    sides, grounds = fixture_names(text)
    found = _as_competitors(text, found, labelled, sides, grounds)
    found = _with_players(text, found, labelled)
    found = _voted_types(text, found)
    if grounds:
        # "X AT Y": Y is where the match is played, a place, whatever other mentions of the name say.
        at = set(grounds)
        found = [f._replace(type="GPE") if (f.start, f.end) in at and f.type in ("ORG", "PERSON") else f for f in found]
    found += _propagated(text, found, labelled)
    found = [f for f in found if not _is_label(text, f)]
    groups: _Groups = {}
    for f in found:
        key = spelling_key(text[f.start : f.end])
        groups.setdefault(
            (f.type, aliases.get(key, key) if f.type not in (*_PLACES, "NORP") else _place_key(text, f, key)), []
        ).append(f)
    _join_initialisms(groups)
    # Whatever the model labelled, even as a date or a number, is not a surname's to claim.
    taken = labelled + [(f.start, f.end) for f in found]
    _join_surnames(text, groups, taken)
    _join_nominal_references(text, groups, taken)
    entities = [_entity(text, type_, key, members, roles) for (type_, key), members in groups.items()]
    return sorted(entities, key=lambda e: e.spans[0].start)


# Types one name can be given by mistake (a city as a team, a surname as an organisation); dates and money are
# not names, and nationalities are told from places by their form.
_NAME_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})


def _voted_types(text: str, found: list[_Found]) -> list[_Found]:
    """One name, one type per article: each spelling takes the type most of its mentions have; a lone word
    that is the last word of a person's full name here ("Muster" for "Thomas Muster") is that person, not an
    organisation or a place."""
    keys = [spelling_key(text[f.start : f.end]) for f in found]
    votes: dict[str, Counter[str]] = {}
    for f, key in zip(found, keys, strict=True):
        if f.type in _NAME_TYPES:
            votes.setdefault(key, Counter())[f.type] += 1
    surnames = Counter(key.split()[-1] for f, key in zip(found, keys, strict=True) if f.type == "PERSON" and " " in key)
    for key, counter in votes.items():
        if " " not in key and surnames[key]:
            # The model tags a surname used alone as an organisation or a place ("Muster" for "Thomas
            # Muster") far more often than the reverse; but a place the gazetteer knows ("Israel" beside
            # "Steve Israel", "Washington" beside "Kerry Washington") is most often that place in news.
            if country_code(key, "GPE") is None:
                counter["PERSON"] += sum(counter.values()) - counter["PERSON"] + 1
            elif counter["ORG"]:
                counter["PERSON"] += counter["ORG"] + 1
    voted = []
    for f, key in zip(found, keys, strict=True):
        tally = votes.get(key)
        if tally and f.type in _NAME_TYPES:
            (top, top_votes), *rest = tally.most_common()
            if top != f.type and top_votes > tally[f.type] and not (rest and rest[0][1] == top_votes):
                f = f._replace(type=top)
        voted.append(f)
    return voted


def _as_competitors(
    text: str,
    found: list[_Found],
    labelled: list[tuple[int, int]],
    sides: list[tuple[int, int]],
    grounds: list[tuple[int, int]],
) -> list[_Found]:
    """Names on a results, fixture, innings or standings line are competitors, clubs mostly: one the model
    took for a town or a person is an organisation, one it missed is added; a country stays a country
    (national sides are named as the country). A standings table counts when one of its names plays on a
    score line or in a fixture of the article; else it is left alone when the model found no name in it (a
    company's figures: "Net Income 821 512") or took most of its names for people (players' averages, a
    leaderboard)."""
    clubs = set(score_line_names(text) + sides + innings_names(text))
    by_span = {(f.start, f.end): f.type for f in found}
    playing = {text[start:end] for start, end in clubs}
    for table in standings_tables(text):
        types = Counter(by_span[span] for span in table if span in by_span)
        plays = any(text[start:end] in playing for start, end in table)
        if plays or (types and 2 * types["PERSON"] <= sum(types.values())):
            clubs.update(table)
    if not clubs:
        return found
    ordered = sorted(clubs)
    competitors: dict[_Found, None] = {}  # in order, each once
    for f in found:
        # Clubs do not overlap: only the last one starting at or before the span can hold it.
        index = bisect.bisect_right(ordered, (f.start, len(text))) - 1
        club = ordered[index] if index >= 0 and f.end <= ordered[index][1] else None
        if club and f.type in _COMPETITOR_TYPES and not is_country(text[club[0] : club[1]]):
            # The whole name, when the model took only part of it ("ST" of "ST LOUIS").
            f = _Found(*club, "ORG")
        competitors[f] = None
    taken = _Spans(labelled + list(by_span))
    for start, end in ordered:
        if not taken.overlap(start, end):
            competitors[_Found(start, end, "GPE" if is_country(text[start:end]) else "ORG")] = None
    for start, end in grounds:
        if not taken.overlap(start, end):
            competitors[_Found(start, end, "GPE")] = None
    return sorted(competitors)


def _with_players(text: str, found: list[_Found], labelled: list[tuple[int, int]]) -> list[_Found]:
    """A name followed by a country in brackets ("Steffi Graf ( Germany )", in results and lists) is a person,
    or a club when the line pits it against another ("Brann ( Norway ) 2 Shelbourne ( Ireland ) 1"): retyped
    when the model typed it otherwise, widened to the whole name when it took only the last words, added when
    it missed it. A name between the brackets and a figure is the person's team ("Gerhard Berger ( Austria )
    Benetton 1:52.354"), an organisation. A scorer before the minute ("( Cruyff 39th , Solskjaer 70th )",
    "Gilbert Agius ( 24th )") and the players of a scorecard's batting line ("D. Cork c Moin Khan b Waqar
    Younis 0") are people too."""
    named: dict[tuple[int, int], str] = {}
    for start, end in scorer_names(text) + scorecard_names(text):
        if not _CONCRETE_DATE.fullmatch(text, start, end) and not is_country(text[start:end]):
            named[(start, end)] = "PERSON"
    for b in names_before_brackets(text):
        if is_country(b.bracketed) and not is_country(text[b.start : b.end]):
            named[(b.start, b.end)] = "ORG" if b.side else "PERSON"
            if b.team and not b.side and not is_country(text[b.team[0] : b.team[1]]):
                named[b.team] = "ORG"
    if not named:
        return found
    by_end = {end: (start, type_) for (start, end), type_ in named.items()}
    out = []
    for f in found:
        whole = by_end.get(f.end)
        # In prose an organisation stays one: "OGE Group (Netherlands) won the contract" is a company.
        organisation = (
            f.type == "ORG" and whole is not None and whole[1] == "PERSON" and not _figures_line(text, f.start)
        )
        if whole and whole[0] <= f.start and f.type in ("PERSON", "ORG", "GPE", "LOC", "FAC") and not organisation:
            f = _Found(whole[0], f.end, whole[1])
        out.append(f)
    taken = _Spans(labelled + [(f.start, f.end) for f in found])
    for (start, end), type_ in sorted(named.items()):
        if not taken.overlap(start, end):
            out.append(_Found(start, end, type_))
    return sorted(out)


_COMPETITOR_TYPES = ("PERSON", "GPE", "LOC", "FAC")


# "Attendance : 5,000", "Scorers :": a word opening a line before a colon.
_BEFORE_COLON = re.compile(r"[ \t]*:")


def _is_label(text: str, found: _Found) -> bool:
    """A one-word "person" opening a line before a colon labels what follows; the model reads such labels
    of tables and summaries as people."""
    return (
        found.type == "PERSON"
        and (found.start == 0 or text[found.start - 1] == "\n")
        and " " not in text[found.start : found.end]
        and bool(_BEFORE_COLON.match(text, found.end))
    )


def _propagated(text: str, found: list[_Found], labelled: list[tuple[int, int]]) -> list[_Found]:
    """Uses of a name the model tagged elsewhere in the article and missed here (the small model tags a
    name in one sentence and not in the next): same spelling and case, a whole word, capitalised, not
    inside anything the model labelled and not part of a longer run of capitalised words."""
    types: dict[str, Counter[str]] = {}
    for f in found:
        if f.type in _NAME_TYPES:
            types.setdefault(text[f.start : f.end], Counter())[f.type] += 1
    # A one-word form the text also writes in lower case is a common word capitalised ("The", "At", "Plus").
    common = {word for word in _LOWER_WORD.findall(text)}
    forms = sorted(
        (form for form in types if form[:1].isupper() and len(form) >= 2 and form.casefold() not in common),
        key=len,
        reverse=True,
    )
    if not forms:
        return []
    taken = bytearray(len(text))
    for start, end in labelled + [(f.start, f.end) for f in found]:
        taken[start:end] = b"\x01" * (end - start)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, forms)) + r")(?!\w|-\w)")
    return [
        _Found(use.start(), use.end(), types[use.group()].most_common(1)[0][0])
        for use in pattern.finditer(text)
        if not any(taken[use.start() : use.end()]) and _alone(text, use.start(), use.end())
    ]


# A capitalised word (or initial) right before or after: "U.S. Open", "Colorado Rockies", "Widzew Lodz".
_CAPITALISED_BEFORE = re.compile(r"[A-Z][\w.'-]*[ \t]+$")
_CAPITALISED_AFTER = re.compile(r"[ \t]+[A-Z]")


def _alone(text: str, start: int, end: int) -> bool:
    """Not part of a longer run of capitalised words on its line: that is another name the model missed."""
    line_start = text.rfind("\n", 0, start) + 1
    return not (_CAPITALISED_BEFORE.search(text, line_start, start) or _CAPITALISED_AFTER.match(text, end))


def _place_key(text: str, found: _Found, key: str) -> str:
    """Countries and nationalities group by country: "U.S." and "the United States", "Iranian" and "Iranians"."""
    name = text[found.start : found.end]
    code = country_code(name, found.type)
    if code and (found.type == "NORP" or is_country(name)):
        return f"country:{code}"
    return key


def _join_initialisms(groups: _Groups) -> None:
    """ "UN" and "the United Nations" in one article: an organisation's initials name it too."""
    for type_, key in list(groups):
        if type_ != "ORG" or not (2 <= len(key) <= 6) or " " in key:
            continue
        longer = [
            k
            for t, k in groups
            if t == "ORG" and " " in k and "".join(w[0] for w in k.split() if w not in _MINOR_WORDS) == key
        ]
        if len(longer) == 1:
            groups[("ORG", longer[0])] += groups.pop((type_, key))


_MINOR_WORDS = frozenset({"of", "for", "and", "the", "on", "in", "de", "&"})


def _split_list(text: str, found: _Found) -> list[_Found]:
    """ "the European Council, Commission, and European Parliament" taken as one ORG: one span each.

    A one-word item after the first borrows the first item's leading words ("Commission" ->
    "European Commission" is left to the reader; the span stays what the text says).
    """
    if found.type in ("DATE", "MONEY"):
        # "1979", "$5 million": no letters needed, only the edges cleaned.
        start, end = found.start, found.end
        while start < end and text[start] in _EDGE:
            start += 1
        while start < end and text[end - 1] in _EDGE.replace("$", ""):
            end -= 1
        return [_Found(start, end, found.type)] if any(ch.isalnum() for ch in text[start:end]) else []
    scores = list(_INNER_NUMBER.finditer(text, found.start, found.end)) if found.type in _NAME_TYPES else []
    if scores and _figures_line(text, found.start):
        # "Kilmarnock 1 Celtic", "DETROIT 7 Chicago": a results line read as one name is two names and a score;
        # what follows a number must start as a name does ("Durham 326 ( D. Cox" leaves "Durham" only).
        bounds = [found.start, *(b for m in scores for b in (m.start(), m.end())), found.end]
        names = [_trimmed(text, s, e) for s, e in zip(bounds[::2], bounds[1::2], strict=True)]
        return [
            _Found(*name, found.type)
            for index, name in enumerate(names)
            if name and (index == 0 or text[name[0]].isupper())
        ]
    if found.type not in ("ORG", "GPE", "LOC", "NORP") or "," not in text[found.start : found.end]:
        span = _trimmed(text, found.start, found.end)
        return [_Found(*span, found.type)] if span else []
    pieces = []
    for item in re.finditer(r"[^,]+", text[found.start : found.end]):
        span = _trimmed(text, found.start + item.start(), found.start + item.end())
        if span:
            start, end = span
            if text[start:end].startswith("and "):
                start += 4
            pieces.append(_Found(start, end, found.type))
    return pieces


def _figures_line(text: str, start: int) -> bool:
    """Whether the line holding `start` is a line of names and figures (a results line), not prose:
    "the Note 10 Plus is well designed" keeps its product name whole."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return len(_LOWER_WORD.findall(line)) <= _RESULTS_LINE_LOWER_WORDS


_LOWER_WORD = re.compile(r"(?<![\w'-])[a-z][a-z'-]+")
_RESULTS_LINE_LOWER_WORDS = 3  # "( 10 innings )", "v", "not out"
# A score between two names: a number with a space on either side, inside the span.
_INNER_NUMBER = re.compile(r"(?<=\w)\s+\d[\d.,:-]*\s+(?=\S)")
# A score, rank or count glued to a name ("N. Lenham 145", "Sobotzik 67th", "2 - Michael Chang").
_TRAILING_NUMBER = re.compile(r"(?:\s+[-–]?\s*\d[\d./,:-]*(?:st|nd|rd|th)?)+$")
# Set apart from the name by a space, a dash or a dot: "3D", "4K" are names of their own.
_LEADING_NUMBER = re.compile(r"[-+]?\d[\d.,]*(?:\s+(?:[-–.]\s*)?|\s*[-–.]\s*)")
# "Forwards - Domingos Oliveira", "Gloria Bistrita - Ilie Lazar": a label or team, a spaced dash, the person.
_SPACED_DASH = re.compile(r"\s[-–—]\s")


def _name_only(text: str, found: _Found) -> _Found | None:
    """A name span without the numbers, labels and nationality words the model took in with it."""
    if found.type not in ("PERSON", "ORG", "GPE", "LOC", "FAC"):
        return found
    start, end = found.start, found.end
    name = text[start:end]
    trailing = _TRAILING_NUMBER.search(name)
    if trailing and trailing.start() > 0:
        end = start + trailing.start()
    leading = _LEADING_NUMBER.match(text, start, end)
    if leading and leading.end() < end and text[leading.end()].isupper():
        start = leading.end()
    if found.type == "PERSON":
        dashes = list(_SPACED_DASH.finditer(text, start, end))
        if dashes:
            start = dashes[-1].end()
        first = re.match(r"[A-Z][a-z]+\s+(?=[A-Z])", text[start:end])
        # "Belgian Bruno Thiry": a nationality before a name of two words or more is no part of it.
        if first and " " in text[start + first.end() : end] and country_code(first.group().strip(), "NORP"):
            start += first.end()
    return found._replace(start=start, end=end) if any(ch.isalpha() for ch in text[start:end]) else None


def _retyped(text: str, found: _Found) -> _Found:
    """A country the model took for an organisation ("TEHRAN- Iran's" as ORG) is a place."""
    if found.type == "ORG" and is_country(text[found.start : found.end]):
        return found._replace(type="GPE")
    return found


def _kept(text: str, found: _Found) -> bool:
    name = text[found.start : found.end]
    vague_date = found.type == "DATE" and not _CONCRETE_DATE.search(name)
    return not (_JUNK.search(name) or vague_date)


def _with_role_organizations(text: str, found: list[_Found], roles: list[RoleFound]) -> list[_Found]:
    """Drop spans that are part of an office ("U.S. National Security" in "... Advisor"), add the
    organisations and places that roles name when the model missed them."""
    titles = [r.title_span for r in roles]
    kept = [f for f in found if f.type == "PERSON" or not any(s < f.end and f.start < e for s, e in titles)]
    for role in roles:
        if role.organization_span is None:
            continue
        start, end = role.organization_span
        name = text[start:end]
        owner = re.match(r"(.+?)['’]s\s+", name)  # "Iran's High Council for ...": a place, then an org
        spans = [(start, start + len(owner.group(1))), (start + owner.end(), end)] if owner else [(start, end)]
        for s, e in spans:
            trimmed = _trimmed(text, s, e)
            if trimmed is None or any(f.start < trimmed[1] and trimmed[0] < f.end for f in kept):
                continue
            type_ = _type_of_name(text[trimmed[0] : trimmed[1]])
            if type_:
                kept.append(_Found(*trimmed, type_))
    return sorted(kept)


def _type_of_name(name: str) -> str | None:
    """GPE, NORP or ORG for a name a role gives, None when it is no proper name ("the ministry")."""
    if country_code(name, "GPE"):
        return "GPE"
    if country_code(name, "NORP"):
        return "NORP"
    words = [w for w in name.split() if w.lower() not in ("of", "for", "and", "the", "on", "in")]
    return "ORG" if words and all(w[:1].isupper() for w in words) else None


def _join_nominal_references(text: str, groups: _Groups, taken: list[tuple[int, int]]) -> None:
    """Count "the group" / "the organization" for the article's dominant organisation, when there is one."""
    orgs = sorted(((len(m), key) for (type_, key), m in groups.items() if type_ == "ORG"), reverse=True)
    if not orgs or (len(orgs) > 1 and orgs[0][0] < _DOMINANCE * orgs[1][0]) or orgs[0][0] < 2:
        return
    dominant = groups[("ORG", orgs[0][1])]
    dominant += [
        _Found(m.start(), m.end(), "ORG")
        for m in _NOMINAL_ORG.finditer(text)
        if not any(s < m.end() and m.start() < e for s, e in taken)
    ]


def spelling_key(name: str) -> str:
    """What two spellings of one name have in common: case, dots, apostrophe and dash styles ignored."""
    name = unicodedata.normalize("NFKC", name).replace("’", "'").replace("‘", "'")
    name = _DASHES.sub("-", name).replace(".", "")
    return " ".join(name.split()).casefold()


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without a leading "the", a trailing "'s" or stray punctuation; None for junk."""
    while True:
        before = (start, end)
        while start < end and text[start] in _EDGE:
            start += 1
        while start < end and text[end - 1] in _EDGE:
            end -= 1
        dateline = _DATELINE_PREFIX.match(text, start, end)
        at_line_start = start == 0 or text[start - 1] == "\n"
        if dateline and at_line_start and dateline.end() < end:
            start = dateline.end()
        article = _LEADING_ARTICLE.match(text, start, end)
        if article and article.end() < end:
            start = article.end()
        if text[start:end].endswith(_POSSESSIVE):
            end -= 2
        if (start, end) == before:
            break
    name = text[start:end]
    if len(name) < 2 or not any(ch.isalpha() for ch in name) or len(name.splitlines()) > 1:
        return None
    return start, end


def _apply_acronyms(text: str, found: list[_Found]) -> tuple[list[_Found], dict[str, str]]:
    """Add each defined acronym's long form and every use of the acronym as mentions of one entity.

    Returns the mentions and a map from the acronym's name key to the long form's name key.
    """
    aliases: dict[str, str] = {}
    acronyms: set[str] = set()
    for d in _acronym_definitions(text):
        long_key = spelling_key(text[d.long_start : d.long_end])
        acronym = text[d.acronym_start : d.acronym_end]
        acronym_key = spelling_key(acronym)
        inside_long = [f for f in found if f.start < d.long_end and d.long_start < f.end]
        named_alike = [f for f in found if spelling_key(text[f.start : f.end]) in (long_key, acronym_key)]
        # The NER's label for the long form wins; the small model often misses such names, and a
        # parenthesised acronym after a name is most often an organisation's.
        type_ = next((f.type for f in inside_long + named_alike), "ORG")
        found = [
            f._replace(type=type_) if f in named_alike else f
            for f in found
            if f not in inside_long  # replaced by the long form's own span
        ]
        found += [_Found(d.long_start, d.long_end, type_), _Found(d.acronym_start, d.acronym_end, type_)]
        aliases[acronym_key] = long_key
        acronyms.add(acronym)
    for acronym in acronyms:
        # A use inside another name ("UN" in "UN Human Rights Council") is that name's, and a use
        # the NER already found is counted once.
        type_ = next(f.type for f in found if text[f.start : f.end] == acronym)
        found += _free_uses(text, acronym, _Spans((f.start, f.end) for f in found), type_)
    return found, aliases


def _acronym_definitions(text: str) -> list[_Definition]:
    """Places where the text defines an acronym: capitalised words whose initials spell it, then "(ACR)"."""
    definitions = []
    for paren in _PAREN_ACRONYM.finditer(text):
        line_start = text.rfind("\n", 0, paren.start()) + 1
        window_start = max(line_start, paren.start() - _LONG_FORM_CHARS)
        letters = [ch for ch in paren.group(1) if ch.isupper()]
        words = list(_WORD.finditer(text, window_start, paren.start()))
        words = words[-min(len(letters) + 5, 2 * len(letters)) :]
        long_start = _long_form_start(text, words, letters)
        if long_start is None:
            continue
        long_form = _trimmed(text, long_start, words[-1].end())
        if long_form:
            definitions.append(_Definition(*long_form, paren.start(1), paren.end(1)))
    return definitions


def _long_form_start(text: str, words: list[re.Match[str]], letters: list[str]) -> int | None:
    """Where the long form starts: match the acronym's letters, last first, to word initials.

    Initials are each word's first letter and each letter after a hyphen ("Mujahedin-e-Khalq" gives
    M, e, K). Lower-case initials of words the acronym leaves out ("of", "the", "e") may be skipped,
    capitalised ones may not, and the last word must supply the acronym's last letter.
    """
    initials = []
    for word in words:
        first = next((i for i in range(word.start(), word.end()) if text[i].isalpha()), None)
        if first is not None:
            initials.append(first)
            rest = range(first, word.end() - 1)
            initials += [i + 1 for i in rest if text[i] == "-" and text[i + 1].isalpha()]
    pending = list(letters)
    start = None
    for position in reversed(initials):
        if not pending:
            break
        if text[position].upper() == pending[-1]:
            pending.pop()
            start = position
        elif start is None or not text[position].islower():
            return None
    return start if not pending else None


def _join_surnames(text: str, groups: _Groups, taken: list[tuple[int, int]]) -> None:
    """Count "Gharibabadi" for "Kazem Gharibabadi" when no other person in the article has that surname."""
    taken_spans = _Spans(taken)
    full_names: dict[str, list[str]] = {}
    for type_, key in groups:
        if type_ == "PERSON" and " " in key:
            full_names.setdefault(key.split()[-1], []).append(key)
    for type_, key in list(groups):
        candidates = full_names.get(key, []) if type_ == "PERSON" and " " not in key else []
        if len(candidates) != 1:
            continue
        surnames = groups.pop((type_, key))
        person = groups[("PERSON", candidates[0])]
        person += surnames
        # The model has shown that the surname alone names this person here: also count the uses of
        # it that the model missed (the small model tags some and not others).
        for form in {text[f.start : f.end] for f in surnames}:
            person += _free_uses(text, form, taken_spans, "PERSON")


def _free_uses(text: str, form: str, taken: _Spans, type_: str) -> list[_Found]:
    """Whole-word occurrences of `form` (same case) that overlap no span in `taken`."""
    return [
        _Found(use.start(), use.end(), type_)
        for use in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text)
        if not taken.overlap(use.start(), use.end())
    ]


class _Spans:
    """Spans that others are tested against: whether (start, end) overlaps any of them, in O(log n)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        # The furthest end among the spans starting up to each position.
        self._reach = list(itertools.accumulate((end for _, end in ordered), max))

    def overlap(self, start: int, end: int) -> bool:
        before = bisect.bisect_left(self._starts, end)  # the spans starting before `end`
        return before > 0 and self._reach[before - 1] > start


def _entity(text: str, type_: str, key: str, members: list[_Found], roles: list[RoleFound]) -> Entity:
    spans = sorted({(f.start, f.end) for f in members})
    forms = Counter(text[start:end] for start, end in spans)
    first_seen = list(forms)  # Counter keeps insertion order: the order of first mention
    # The most complete proper name names it: longest, then most used, then earliest.
    names = [f for f in first_seen if not _NOMINAL_ORG.fullmatch(f)] or first_seen
    # ... and of two as long, the one not in capitals ("London", not "LONDON" from a headline).
    name = max(names, key=lambda form: (len(form), not form.isupper(), forms[form], -first_seen.index(form)))
    code = key.removeprefix("country:") if key.startswith("country:") else country_code(name, type_)
    if key.startswith("country:") and type_ in _PLACES and code:
        name = country_name(code) or name
    return Entity(
        name=name,
        type=cast(EntityType, type_),  # a KEPT_LABELS label, or ORG for an acronym
        mentions=len(spans),
        surface_forms=first_seen,
        spans=[Mention(start=start, end=end, text=text[start:end]) for start, end in spans],
        roles=_roles_of(spans, roles) if type_ == "PERSON" else [],
        country=code,
    )


def _roles_of(spans: list[tuple[int, int]], roles: list[RoleFound]) -> list[Role]:
    """The roles read at any of the person's mentions, each once."""
    found: dict[tuple[str, str | None], Role] = {}
    for role in roles:
        if (role.person_start, role.person_end) in spans:
            found.setdefault((role.role.title, role.role.organization), role.role)
    return list(found.values())
