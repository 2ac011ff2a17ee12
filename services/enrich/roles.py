"""Titles and affiliations of people, read from the words around their names.

Two shapes cover most news: a title before the name ("former U.S. National Security Advisor John
Bolton", "Donald Trump's personal lawyer Rudy Giuliani") and an apposition after it ("Kazem
Gharibabadi, secretary of Iran's High Council for Human Rights, wrote"). A phrase counts only when it
ends in (before) or starts with (after) an office from TITLES, so "Paris-based John Smith" or
"John Smith, who ..." give nothing.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from newsflow_schemas import Role

TITLES = frozenset(
    [
        "president",
        "vice-president",
        "president-elect",
        "minister",
        "premier",
        "chancellor",
        "secretary",
        "secretary-general",
        "governor",
        "mayor",
        "senator",
        "congressman",
        "congresswoman",
        "representative",
        "lawmaker",
        "legislator",
        "mp",
        "speaker",
        "whip",
        "ambassador",
        "envoy",
        "diplomat",
        "negotiator",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "adviser",
        "advisor",
        "aide",
        "chief",
        "head",
        "director",
        "chairman",
        "chairwoman",
        "chair",
        "ceo",
        "cfo",
        "coo",
        "founder",
        "co-founder",
        "leader",
        "commander",
        "general",
        "colonel",
        "lieutenant",
        "admiral",
        "marshal",
        "officer",
        "judge",
        "justice",
        "attorney",
        "lawyer",
        "prosecutor",
        "official",
        "king",
        "queen",
        "prince",
        "princess",
        "emperor",
        "sheikh",
        "ayatollah",
        "cleric",
        "imam",
        "pope",
        "cardinal",
        "bishop",
        "archbishop",
        "rabbi",
        "pastor",
        "professor",
        "economist",
        "analyst",
        "editor",
        "correspondent",
        "reporter",
        "journalist",
        "columnist",
        "coach",
        "manager",
        "captain",
        "owner",
        "despot",
        "dictator",
        "ruler",
        "commissioner",
        "inspector",
        "deputy",
        "executive",
        "activist",
        "candidate",
        "nominee",
        "sheriff",
        "researcher",
        "scientist",
        "author",
        "novelist",
        "actor",
        "actress",
        "singer",
        "director",
        "producer",
        "striker",
        "quarterback",
        "midfielder",
        "defender",
        "goalkeeper",
        "pitcher",
        "president/ceo",
    ]
)
# Several-word offices whose inner words are not offices themselves ("National Security").
MULTIWORD_TITLES = frozenset(
    """national security advisor|national security adviser|secretary general|prime minister|
    foreign minister|defense minister|defence minister|interior minister|finance minister|
    spy chief|chief executive|chief executive officer|high commissioner|attorney general|supreme leader|
    press secretary|chief of staff|secretary of state|human rights chief|foreign policy chief|
    vice president|head coach|special envoy|house speaker|chief justice|managing director|
    foreign secretary|home secretary|defense secretary|defence secretary|treasury secretary|
    state secretary|deputy minister|foreign affairs minister|army chief|police chief|intelligence chief""".replace(
        "\n", ""
    ).split("|")
)
_CONNECTORS = frozenset({"of", "for", "at", "to", "with"})
_MULTIWORD = frozenset(" ".join(t.split()) for t in MULTIWORD_TITLES)
# Lower-case words that may begin an office of several words ("spy" in "spy chief").
_TITLE_PARTS = frozenset(word for title in _MULTIWORD for word in title.split()) - _CONNECTORS
# Words that may stand inside a title phrase before the office itself.
_MODIFIERS = frozenset(
    [
        "former",
        "ex",
        "late",
        "then",
        "acting",
        "deputy",
        "vice",
        "top",
        "senior",
        "chief",
        "personal",
        "assistant",
        "interim",
        "outgoing",
        "incoming",
        "current",
        "longtime",
        "long-time",
        "veteran",
    ]
)
_FORMER = frozenset({"former", "ex", "late"})
# Words, with abbreviations like "U.S." kept whole, and single punctuation marks.
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[\w][\w'’.-]*\w|\w|[^\w\s]")
_LOOKBACK = 160
# After the name: ", <phrase>," or ", <phrase>." where the phrase holds no other clause mark.
_APPOSITION = re.compile(r",\s+((?:(?:[A-Z]\.){2,}|[^,.;:()“”\"\n])+?)\s*(?=[,.;]|\s+(?:said|says|told|wrote|added)\b)")
_APPOSITION_WORDS = 14


class RoleFound(NamedTuple):
    """A role of the person named at [person_start, person_end), and where its organisation is written."""

    person_start: int
    person_end: int
    role: Role
    organization_span: tuple[int, int] | None
    title_span: tuple[int, int]


def find_roles(text: str, people: list[tuple[int, int]]) -> list[RoleFound]:
    """Roles for each person mention in `people` (start, end), in the text's order."""
    found = []
    lede = _lede_role(text, people)
    if lede:
        found.append(lede)
    for start, end in people:
        before = _role_before(text, start, people)
        if before:
            found.append(RoleFound(start, end, *before))
        after = _role_after(text, end)
        if after:
            found.append(RoleFound(start, end, *after))
    return found


def _role_before(
    text: str, name_start: int, people: list[tuple[int, int]]
) -> tuple[Role, tuple[int, int] | None, tuple[int, int]] | None:
    window_start = max(0, name_start - _LOOKBACK)
    tokens = list(_TOKEN.finditer(text, window_start, name_start))
    chunk: list[re.Match[str]] = []
    possessor: tuple[int, int] | None = None
    for token in reversed(tokens):
        word = token.group()
        if not (word[0].isalnum()):
            break
        owner = next(((s, e) for s, e in people if s <= token.start() < e), None)
        if owner:
            # "Donald Trump's personal lawyer": the person before the possessive is the affiliation.
            if word.endswith(("'s", "’s")):
                possessor = owner
            break
        lower = word.lower()
        if lower in _CONNECTORS and not chunk:
            break
        if lower in TITLES or lower in _TITLE_PARTS or lower in _MODIFIERS or lower in _CONNECTORS or word[0].isupper():
            chunk.insert(0, token)
            continue
        break
    while chunk and chunk[0].group().lower() in _CONNECTORS:
        chunk.pop(0)
    if not chunk:
        return None
    words = [t.group().lower() for t in chunk]
    title_length = _title_suffix(words)
    if not title_length:
        return None
    title_tokens = chunk[-title_length:]
    rest = chunk[:-title_length]
    former = any(t.group().lower().strip("-") in _FORMER for t in rest)
    org_tokens = [t for t in rest if t.group().lower() not in _MODIFIERS]
    organization_span = (org_tokens[0].start(), org_tokens[-1].end()) if org_tokens else possessor
    if possessor and not org_tokens:
        organization_span = (possessor[0], possessor[1])
    phrase_start = chunk[0].start() if not possessor else possessor[0]
    return (
        Role(
            title=" ".join(t.group().lower() for t in title_tokens),
            organization=_organization_text(text, organization_span),
            former=former,
            text=text[phrase_start:name_start].strip(),
        ),
        organization_span,
        (title_tokens[0].start(), title_tokens[-1].end()),
    )


def _lede_role(text: str, people: list[tuple[int, int]]) -> RoleFound | None:
    """The wire convention "Secretary of X urged ... . Kazem Gharibabadi made the remarks ...": an
    office opens the article without a name and the next sentence opens with the person."""
    tokens = []
    for token in _TOKEN.finditer(text, 0, min(len(text), _LOOKBACK)):
        word = token.group()
        if word[0].isupper() or word.lower() in _CONNECTORS or word.lower() in TITLES | _TITLE_PARTS:
            tokens.append(token)
            continue
        break
    split = next((i for i, t in enumerate(tokens) if t.group().lower() in _CONNECTORS), len(tokens))
    head = [t.group().lower() for t in tokens[:split]]
    if not head or _title_suffix(head) != len(head) or any(s < tokens[-1].end() for s, _ in people):
        return None
    sentence_end = re.search(r"[.!?]\s+", text)
    if sentence_end is None:
        return None
    person = next(((s, e) for s, e in people if s == sentence_end.end()), None)
    if person is None:
        return None
    org_tokens = tokens[split + 1 :]
    organization_span = (org_tokens[0].start(), org_tokens[-1].end()) if org_tokens else None
    return RoleFound(
        person[0],
        person[1],
        Role(
            title=" ".join(head),
            organization=_organization_text(text, organization_span),
            text=text[tokens[0].start() : tokens[-1].end()],
        ),
        organization_span,
        (tokens[0].start(), tokens[split - 1].end()),
    )


def _title_suffix(words: list[str]) -> int:
    """How many of the last words make the office, with its modifiers; 0 when the last word is none."""
    length = 0
    for size in range(min(len(words), 5), 0, -1):
        if " ".join(words[-size:]) in _MULTIWORD:
            length = size
            break
    if not length and words[-1] in TITLES:
        length = 1
    if not length:
        return 0
    while length < len(words) and words[-length - 1] in _MODIFIERS - _FORMER:
        length += 1
    return length


def _role_after(text: str, name_end: int) -> tuple[Role, tuple[int, int] | None, tuple[int, int]] | None:
    match = _APPOSITION.match(text, name_end)
    if not match or len(match.group(1).split()) > _APPOSITION_WORDS:
        return None
    phrase_start = match.start(1)
    tokens = list(_TOKEN.finditer(text, phrase_start, match.end(1)))
    split = next((i for i, t in enumerate(tokens) if t.group().lower() in _CONNECTORS), len(tokens))
    head = tokens[:split]
    while head and head[0].group().lower() in ("the", "a", "an"):
        head.pop(0)
    if not head:
        return None
    words = [t.group().lower() for t in head]
    title_length = _title_suffix(words)
    if not title_length:
        return None
    title_tokens = head[-title_length:]
    former = any(t.group().lower() in _FORMER for t in head)
    # "Iran's human rights chief": a possessive before the office names whose office it is.
    owner = [t for t in head[:-title_length] if t.group().lower() not in _MODIFIERS]
    tail = tokens[split + 1 :]
    while tail and tail[0].group().lower() == "the":
        tail.pop(0)
    org_tokens = tail or owner
    organization_span = (org_tokens[0].start(), org_tokens[-1].end()) if org_tokens else None
    return (
        Role(
            title=" ".join(t.group().lower() for t in title_tokens if t.group().lower() not in _FORMER),
            organization=_organization_text(text, organization_span),
            former=former,
            text=match.group(1).strip(),
        ),
        organization_span,
        (title_tokens[0].start(), title_tokens[-1].end()),
    )


def _organization_text(text: str, span: tuple[int, int] | None) -> str | None:
    if span is None:
        return None
    return re.sub(r"['’]s$", "", text[span[0] : span[1]]).strip() or None
