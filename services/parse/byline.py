"""Author names from bylines and author metadata: people only, without "By", roles, desks or site names."""

from __future__ import annotations

import re
import unicodedata

import lxml.html

from .agency import agency_code
from .lexicon import (
    BYLINE_CONJUNCTIONS,
    BYLINE_LEAD_PREFIXES,
    BYLINE_LEADS,
    BYLINE_LINK_LABELS,
    DATE_WORDS,
    NAME_PARTICLES,
    NOT_A_PERSON,
)

MAX_AUTHORS = 10
MAX_NAME_WORDS = 5


def _words(phrases: tuple[str, ...]) -> str:
    return "|".join(re.escape(phrase).replace(r"\ ", r"\s+") for phrase in sorted(phrases, key=len, reverse=True))


# "By", "Text:", "Von", "Por", "Written by"...: words that introduce a byline rather than belong to a name.
_LEAD = re.compile(rf"^(?:(?:{_words(BYLINE_LEAD_PREFIXES)})\s+)?(?:{_words(BYLINE_LEADS)})\b[:\s]*", re.IGNORECASE)
_LINK_LABEL = re.compile(rf"^\W*(?:{_words(BYLINE_LINK_LABELS)})\b[:\s]*", re.IGNORECASE)
_SPLIT = re.compile(rf"\s*(?:[;|/•·]|,|&|\b(?:{_words(BYLINE_CONJUNCTIONS)})\b)\s*", re.IGNORECASE)
# A period ends a name unless it follows an initial ("Troy L. Smith"): "Finian Cunningham. Sputnik".
_SENTENCE_STOP = re.compile(r"(?<=[^\W\d_]{2})\.\s+")
# The date a byline ends with ("By Nathan Willis March 25, 2015"): from a month or day name before a
# figure, or from the first figure that starts a word, on ("BR24" is a name).
_DATE_AFTER = re.compile(rf"(?:\b(?:{_words((*DATE_WORDS, 'may'))})\.?,?\s+)?(?<!\w)\d.*", re.IGNORECASE)
# "Elena Oberholzer (obe)": the initials or handle a site adds in brackets.
_BRACKETED = re.compile(r"\s*[(\[][^()\[\]]{0,30}[)\]]")


def author_names(candidates: list[str], site_name: str | None = None, host: str | None = None) -> list[str]:
    """Person names from byline strings, first source first; duplicates (by letters) dropped."""
    seen: set[str] = set()
    names: list[str] = []
    for candidate in candidates:
        for name in _names_in(candidate, site_name, host):
            key = _letters(name)
            if key not in seen:
                seen.add(key)
                names.append(name)
    return names[:MAX_AUTHORS]


def with_coauthors(authors: list[str], bylines: list[str], site_name: str | None, host: str | None) -> list[str]:
    """The names of the first visible byline that starts with `authors` and names more, every part of it a
    person (the markup often credits the first author only: "By Stefan Becket, Kathryn Watson, Grace
    Segers"); else `authors`. A byline with roles, places or sections in it is not read for co-authors."""
    keys = [_letters(name) for name in authors]
    for byline in bylines:
        names = [_person(part, site_name, host) for part in _parts(byline)]
        people = [name for name in names if name]
        starts = [_letters(name) for name in people[: len(keys)]] == keys
        # A one-word part after the names is a place or an affiliation ("Anna Sleegers, Frankfurt").
        named = all(len(name.split()) > 1 for name in people[len(keys) :])
        if len(people) == len(names) > len(authors) and starts and named:
            return author_names(people)
    return authors


def first_name_first(value: str) -> str:
    """ "Brazil, Rachel" -> "Rachel Brazil": one comma between a surname and given names, no agency."""
    last, comma, first = value.partition(",")
    last, first = last.strip(), first.strip()
    if not comma or "," in first or not last or not first or agency_code(last) or agency_code(first):
        return value
    surname, given = last.split(), first.split()
    # A two-word surname starts with a particle ("de Jong, Michiel"); else it is a name and an affiliation.
    if len(surname) > 2 or (len(surname) == 2 and surname[0].casefold() not in NAME_PARTICLES) or len(given) > 3:
        return value
    if not all(_capitalised(word) for word in given + surname[-1:]):
        return value
    return f"{first} {last}"


def agency_in_byline(candidates: list[str]) -> str | None:
    """An agency named as the byline ("Reuters", "By TOM KRISHER, AP Auto Writer")."""
    for candidate in candidates:
        for part in _parts(candidate):
            words = part.split()
            for size in (3, 2, 1):  # "Associated Press", then "AP" alone
                for start in range(len(words) - size + 1):
                    if code := agency_code(" ".join(words[start : start + size])):
                        return code
    return None


def _names_in(candidate: str, site_name: str | None, host: str | None) -> list[str]:
    parts = _parts(candidate)
    if any(agency_code(part) for part in parts):
        # "Washington, Reuters", "AFP, MANILA": beside an agency a lone word is the dateline's place.
        parts = [part for part in parts if len(part.split()) > 1 and not agency_code(part)]
    if "," in candidate and parts and len(parts[0].split()) > 1:
        # "Victor Tangermann, Futurism": after a full name, a one-word part is an affiliation.
        parts = parts[:1] + [part for part in parts[1:] if len(part.split()) > 1]
    return [name for part in parts if (name := _person(part, site_name, host))]


def _parts(candidate: str) -> list[str]:
    text = " ".join(unicodedata.normalize("NFKC", candidate).split())
    if text.startswith(("http://", "https://")):
        return []  # article:author often holds a profile URL, not a name
    # After the date come categories and comment links ("27/09/2018 Comente! Alfabetização, Música").
    text = _BRACKETED.sub("", _LINK_LABEL.sub("", _DATE_AFTER.sub("", text)))
    parts = []
    for piece in _SPLIT.split(_SENTENCE_STOP.sub("; ", text)):
        piece = _LEAD.sub("", _LINK_LABEL.sub("", piece.strip(" -–—:")))
        if piece:
            parts.append(piece.strip(" -–—:."))
    return parts


def _person(part: str, site_name: str | None, host: str | None) -> str | None:
    words = part.split()
    while len(words) > 1 and _letters(words[-1]) in DATE_WORDS:  # "Malcolm Owen Monday": the date follows
        words.pop()
    part = " ".join(words)
    if not words or len(words) > MAX_NAME_WORDS or "@" in part or any(ch.isdigit() for ch in part):
        return None
    if words[0].casefold() == "the" or agency_code(part):
        return None
    if len(words) == 1 and part.isupper():  # "KWCHCIK": a desk code or user name, not a person
        return None
    if any(_letters(word) in NOT_A_PERSON for word in words) or _letters(words[-1]) in DATE_WORDS:
        return None
    # Names are capitalised in scripts with case; Chinese, Japanese, Korean, Arabic... have none.
    if not all(_capitalised(word) or word.casefold() in NAME_PARTICLES for word in words if word[0].isalpha()):
        return None
    if _is_site(part, site_name, host):
        return None
    if part.isupper() and len(words) > 1:  # "TOM KRISHER" -> "Tom Krisher"
        part = part.title()
    return part


def _capitalised(word: str) -> bool:
    return word[0].isupper() or word[0].lower() == word[0].upper()


def _is_site(part: str, site_name: str | None, host: str | None) -> bool:
    key = _letters(part)
    if len(key) < 4:
        return False
    return any(key in _letters(value) for value in (site_name, host) if value)


def _letters(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


# Bylines in the page: few and short; a longer text under an "author" class is a biography.
MAX_PAGE_BYLINES = 6
MAX_BYLINE_CHARS = 120
# Matched against lower-cased classes and ids (lower() then a plain pattern: twice as fast on every page).
_BYLINE_CLASS = re.compile(r"byline|author|autor|auteur|firma|vcard")
_NOT_BYLINE_CLASS = re.compile(r"bio|avatar|image|img|photo|comment|social|share|follow|more|list")


def _marked_byline(element: lxml.html.HtmlElement) -> bool:
    """Classed or named byline, author, vcard..., and not an avatar, biography or sharing box."""
    cls, ident = element.get("class"), element.get("id")
    if not ((cls and _BYLINE_CLASS.search(cls.lower())) or (ident and _BYLINE_CLASS.search(ident.lower()))):
        return False
    return not _NOT_BYLINE_CLASS.search(f"{cls or ''} {ident or ''}".lower())


def _credits_author(element: lxml.html.HtmlElement, attribute: str) -> bool:
    value = element.get(attribute)
    return bool(value) and "author" in value.lower().split()


def bylines_in_page(tree: lxml.html.HtmlElement) -> list[str]:
    """The visible bylines: rel=author links, itemprop=author, elements classed byline/author/vcard."""
    found: list[str] = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "meta", "link"):
            continue
        if not (_marked_byline(element) or _credits_author(element, "rel") or _credits_author(element, "itemprop")):
            continue
        text = " ".join(element.text_content().split())
        if text and len(text) <= MAX_BYLINE_CHARS and text not in found:
            found.append(text)
            if len(found) >= MAX_PAGE_BYLINES:
                break
    return found
