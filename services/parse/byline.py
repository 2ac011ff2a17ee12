"""Author names from bylines and author metadata: people only, without "By", roles, desks or site names."""

from __future__ import annotations

import re
import unicodedata

from .agency import agency_code

MAX_AUTHORS = 10
MAX_NAME_WORDS = 5
# "By", "Text:", "Von", "Por" ...: words that introduce a byline rather than belong to a name.
_LEAD = re.compile(
    r"^(?:(?:written|posted|reported|published|story|words|text|photos?|reporting|edited|updated)\s+)?"
    r"(?:by|von|por|par|door|di|da|av|af|oleh|text|texto|texte|текст|автор|author|autor)\b[:\s]*",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:[;|/•·]|,|\band\b|&|\bund\b|\bet\b|\by\b|\bи\b)\s*", re.IGNORECASE)
# A period ends a name unless it follows an initial ("Troy L. Smith"): "Finian Cunningham. Sputnik".
_SENTENCE_STOP = re.compile(r"(?<=[^\W\d_]{2})\.\s+")
# Words that make a byline part a role, a desk or an organisation rather than a person.
_NOT_A_PERSON = {
    "writer", "editor", "editors", "staff", "correspondent", "reporter", "contributor", "columnist",
    "media", "news", "press", "bureau", "desk", "team", "agency", "international", "newsroom", "service",
    "magazine", "online", "digital", "group", "network", "radio", "tv", "television", "times", "post",
    "daily", "weekly", "journal", "herald", "tribune", "admin", "administrator", "webmaster", "guest",
    "redaksi", "redacción", "redaction", "rédaction", "redazione", "redaktion", "editorial", "sponsored",
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "updated",
    "published", "posted",
    "inc", "ltd", "llc", "gmbh", "co", "com", "org", "net", "partner", "partners", "wire",
}  # fmt: skip
# Lower-case words a name may hold: "Marcus de Guzman", "Ludwig van Beethoven", "Osama bin Laden".
_PARTICLES = {
    "de", "da", "do", "dos", "das", "di", "del", "della", "der", "den", "van", "von", "ter", "bin", "al", "el",
    "la", "le", "du", "y", "e", "ibn", "zu", "st",
}  # fmt: skip


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
    if "," in candidate and parts and len(parts[0].split()) > 1:
        # "Victor Tangermann, Futurism": after a full name, a one-word part is an affiliation.
        parts = parts[:1] + [part for part in parts[1:] if len(part.split()) > 1]
    return [name for part in parts if (name := _person(part, site_name, host))]


def _parts(candidate: str) -> list[str]:
    text = " ".join(unicodedata.normalize("NFKC", candidate).split())
    if text.startswith(("http://", "https://")):
        return []  # article:author often holds a profile URL, not a name
    parts = []
    for piece in _SPLIT.split(_SENTENCE_STOP.sub("; ", text)):
        piece = _LEAD.sub("", piece.strip(" -–—:"))
        if piece:
            parts.append(piece.strip(" -–—:."))
    return parts


def _person(part: str, site_name: str | None, host: str | None) -> str | None:
    words = part.split()
    if not words or len(words) > MAX_NAME_WORDS or "@" in part or any(ch.isdigit() for ch in part):
        return None
    if words[0].casefold() == "the" or agency_code(part):
        return None
    if len(words) == 1 and part.isupper():  # "KWCHCIK": a desk code or user name, not a person
        return None
    if any(_letters(word) in _NOT_A_PERSON for word in words):
        return None
    if not all(word[0].isupper() or word.casefold() in _PARTICLES for word in words if word[0].isalpha()):
        return None
    if _is_site(part, site_name, host):
        return None
    if part.isupper() and len(words) > 1:  # "TOM KRISHER" -> "Tom Krisher"
        part = part.title()
    return part


def _is_site(part: str, site_name: str | None, host: str | None) -> bool:
    key = _letters(part)
    if len(key) < 4:
        return False
    return any(key in _letters(value) for value in (site_name, host) if value)


def _letters(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())
