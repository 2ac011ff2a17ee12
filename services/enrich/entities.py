"""Turn a spaCy Doc's named-entity spans into one Entity per thing the article names."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import NamedTuple, cast, get_args

from spacy.tokens import Doc

from newsflow_schemas import Entity, Mention
from newsflow_schemas.articles import EntityType

# spaCy labels we keep; numbers, dates, money and the like are not entities for us (yet).
KEPT_LABELS: frozenset[str] = frozenset(get_args(EntityType)) - {"OTHER", "DATE", "MONEY"}

# Trimmed from both ends of a span: quotes, dashes and punctuation spaCy sometimes takes in.
_EDGE = " \t\"'“”‘’«»‐‑–—-,;:!?*"
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


def entities_from_doc(doc: Doc) -> list[Entity]:
    """The article's entities, each once, in order of first mention; offsets are into `doc.text`."""
    text = doc.text
    found = [
        _Found(*span, ent.label_)
        for ent in doc.ents
        if ent.label_ in KEPT_LABELS and (span := _trimmed(text, ent.start_char, ent.end_char))
    ]
    found, aliases = _apply_acronyms(text, found)
    groups: _Groups = {}
    for f in found:
        key = name_key(text[f.start : f.end])
        groups.setdefault((f.type, aliases.get(key, key)), []).append(f)
    # Whatever the model labelled, even as a date or a number, is not a surname's to claim.
    taken = [(ent.start_char, ent.end_char) for ent in doc.ents] + [(f.start, f.end) for f in found]
    _join_surnames(text, groups, taken)
    entities = [_entity(text, type_, members) for (type_, _), members in groups.items()]
    return sorted(entities, key=lambda e: e.spans[0].start)


def name_key(name: str) -> str:
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
        long_key = name_key(text[d.long_start : d.long_end])
        acronym = text[d.acronym_start : d.acronym_end]
        acronym_key = name_key(acronym)
        inside_long = [f for f in found if f.start < d.long_end and d.long_start < f.end]
        named_alike = [f for f in found if name_key(text[f.start : f.end]) in (long_key, acronym_key)]
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
        found += _free_uses(text, acronym, [(f.start, f.end) for f in found], type_)
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
            person += _free_uses(text, form, taken, "PERSON")


def _free_uses(text: str, form: str, taken: list[tuple[int, int]], type_: str) -> list[_Found]:
    """Whole-word occurrences of `form` (same case) that overlap no span in `taken`."""
    return [
        _Found(use.start(), use.end(), type_)
        for use in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text)
        if not any(start < use.end() and use.start() < end for start, end in taken)
    ]


def _entity(text: str, type_: str, members: list[_Found]) -> Entity:
    spans = sorted({(f.start, f.end) for f in members})
    forms = Counter(text[start:end] for start, end in spans)
    first_seen = list(forms)  # Counter keeps insertion order: the order of first mention
    # The most complete form names it: longest, then most used, then earliest.
    name = max(first_seen, key=lambda form: (len(form), forms[form], -first_seen.index(form)))
    return Entity(
        name=name,
        type=cast(EntityType, type_),  # a KEPT_LABELS label, or ORG for an acronym
        mentions=len(spans),
        surface_forms=first_seen,
        spans=[Mention(start=start, end=end, text=text[start:end]) for start, end in spans],
    )
