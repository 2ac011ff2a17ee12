"""Quotations with their speakers: direct (in quotation marks) and reported ("he said that ...").

A quotation needs a reporting verb (said, added, wrote, read ...) in its sentence; a short quoted phrase
with none is a scare quote ("granting immunity") and is skipped. The speaker is resolved to an
entity: a name is the entity it names, "he"/"she" the person named last before, "the letter" whoever
the text says wrote or sent one, "the minister" the person holding that title.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

from newsflow_schemas import Entity, Quote

from .model import Parser
from .reported import Report, reports, worth_parsing

_VERBS = (
    "said|says|say|added|adds|told|tells|wrote|writes|read|reads|stated|states|noted|notes|stressed|"
    "stresses|explained|explains|asked|insisted|warned|warns|argued|argues|continued|declared|announced|"
    "claimed|claims|tweeted|posted|replied|responded|acknowledged|admitted|regretted|urged|emphasized|"
    "emphasised|recalled|concluded|suggested|complained|maintained|affirmed|confirmed|denied|predicted|"
    "remarked|observed|pointed out|went on|"
    # present tense and rarer verbs: “...,” Bozell concludes. / “...,” he quipped.
    "concludes|points out|recalls|predicts|responds|replies|asks|suggests|continues|observes|remarks|admits|"
    "acknowledges|concedes|conceded|contends|contended|asserts|asserted|countered|counters|vowed|pledged|"
    "promised|testified|boasted|boasts|cautioned|exclaimed|quipped|joked|shouted|yelled|agreed|agrees"
)
# Who may speak: a name, a pronoun, or a short noun phrase ("the letter", "a spokesman").
_WHO = (
    r"(?P<who>(?:he|she|they|it|[Tt]he\s+\w+(?:\s+\w+)?|an?\s+\w+(?:\s+\w+)?|[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}))"
)
# After a quotation the speaker may come with words before the name ("Snyder spokesman Dave Murray told") or an
# aside after it ("Sarandon, 69, told").
_LEAD = r"(?:(?:[A-Z][\w.'’-]*\s+)?(?:[a-z]+\s+){1,3}(?=[A-Z]))?"
_ASIDE = r"(?:,\s*[^,“”\"\n]{1,30},)?"
_CUE_AFTER = re.compile(
    rf"\s*[,.!?]?\s*(?:{_LEAD}{_WHO}{_ASIDE}\s+(?P<verb>{_VERBS})\b"
    rf"|(?P<verb2>{_VERBS})\s+{_WHO.replace('who', 'who2')})"
)
_CUE_BEFORE = re.compile(rf"{_WHO}\s+(?:also\s+)?(?P<verb>{_VERBS})(?:\s+\w+)?\s*[:,]?\s*$")
_CUE_ASIDE = re.compile(rf",\s*{_WHO}\s+(?P<verb>{_VERBS}),")
_ACCORDING = re.compile(r"^\s*[Aa]ccording to (?P<who>[^,]{2,60}),\s*(?P<content>.+?)\s*[.!?]?\s*$", re.S)
_CONTENT_THEN_CUE = re.compile(
    rf"^(?P<content>.+?),\s*{_WHO}\s+(?P<verb>{_VERBS})"
    r"(?:\s*,?\s*(?P<verb2>adding|and added)\s+(?:that\s+)?(?P<content2>.+?))?\s*[.!?]?\s*$",
    re.S,
)
_VERB_THAT = re.compile(rf"\b(?P<verb>{_VERBS})\s+that\s+(?P<content>.+?)\s*[.!?]?\s*$", re.S)
_VERB_CLAUSE = re.compile(
    r"^(?:[A-Z]\w+ing\b[^.]*?,\s*)?(?P<who>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}|[Hh]e|[Ss]he)\s+(?:also\s+)?(?P<verb>said|added|stated|noted|stressed)\s+(?P<content>.+?)\s*[.!?]?\s*$",
    re.S,
)
# "Trump said the wall would be paid for": a name or he/she right before a verb of saying, the rest of the
# sentence what was said (no "that"); "said in an interview", "said on Monday" say where or when, not what.
_SUBJECT_SAID = re.compile(
    r"(?P<who>\b[Hh]e|\b[Ss]he|\b[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})\s+(?:also\s+|has\s+|had\s+|have\s+)?"
    r"(?P<verb>said|says|added|argued|warned|claimed|insisted|predicted|acknowledged|admitted|stressed|"
    r"contended|conceded|suggested|noted)\s+"
    r"(?!(?:that|in|on|at|during|to|of|for|with|after|before|last|this|earlier|when|while|it|so|yes|no|"
    r"nothing|something|through|via|by|about|from|recently|today|yesterday|Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday)\b)(?P<content>\w.+?)\s*[.!?]?\s*$",
    re.S,
)
# "Secretary of Iran's High Council for Human Rights urged the countries ...": an office as the subject.
_OFFICE_CLAUSE = re.compile(
    rf"^(?P<who>[A-Z][^,.;]{{2,100}}?)\s+(?P<verb>{_VERBS})\s+(?P<content>.+?)\s*[.!?]?\s*$", re.S
)
_QUOTED = re.compile(r"“([^“”]{2,3000})”|\"([^\"\n]{2,3000})\"|«([^«»]{2,3000})»")
_SENTENCE_END = re.compile(r"(?<=[.!?])(?P<close>[”\"’»)]*)\s+(?=[“\"‘«(]?[A-Z0-9])|\n+")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]\.)+$|\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Sgt|St|Jr|Sr|No|Sep|Sept|Oct|Nov|Dec|Jan|Feb|Aug|Prof|Gov|Sen|Rep)\.$"
)
_DOCUMENTS = (
    "letter|statement|report|message|note|communique|communiqué|tweet|post|memo|email|e-mail|op-ed|article|editorial"
)
_AUTHORED = re.compile(
    rf"\b(?:wrote|sent|issued|released|published|signed|penned|posted)\b[^.]*?\b(?:{_DOCUMENTS})s?\b"
)
_PRONOUNS = {"he", "she", "him", "her"}
MIN_SCARE_QUOTE_WORDS = 4  # a quoted phrase shorter than this needs a reporting verb to count
MIN_CONTENT_WORDS = 4


_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "herself": "f"}
_TITLE_GENDER = re.compile(r"\b(?:(?P<m>Mr)|(?P<f>Mrs|Ms|Miss))\.?\s+$")
_GENDERED = re.compile(r"\b(?:he|him|his|himself|she|her|herself)\b", re.IGNORECASE)
# A person's gender shows when the pronouns after them lean this much one way.
GENDER_MARGIN = 2


def _genders(text: str, sentences: list[_Sentence], named: list[tuple[int, int, Entity]]) -> dict[str, str]:
    """ "m" or "f" for the people the text shows: a title (Mr, Mrs, Ms) before a mention, else the pronouns in
    the sentences where they are the only person named and the sentence after, when those lean one way."""
    titles: dict[str, str] = {}
    votes: dict[str, int] = {}
    for start, _, entity in named:
        title = _TITLE_GENDER.search(text, max(0, start - 6), start)
        if title:
            titles.setdefault(entity.name, "m" if title.group("m") else "f")
    for index, sentence in enumerate(sentences):
        people = {e.name for s, _, e in named if sentence.start <= s < sentence.end}
        if len(people) != 1:
            continue
        (name,) = people
        end = sentences[index + 1].end if index + 1 < len(sentences) else sentence.end
        if index + 1 < len(sentences) and any(sentences[index + 1].start <= s < end for s, _, _ in named):
            end = sentence.end
        for pronoun in _GENDERED.finditer(text, sentence.start, end):
            votes[name] = votes.get(name, 0) + (1 if _PRONOUN_GENDER[pronoun.group().lower()] == "m" else -1)
    leaning = {name: "m" if v > 0 else "f" for name, v in votes.items() if abs(v) >= GENDER_MARGIN}
    return leaning | titles


class _Sentence(NamedTuple):
    start: int
    end: int


# (speaker words, their offset, reporting verb) of a sentence's quotations.
_Cue = tuple[str, int, str]


def quotes(text: str, entities: list[Entity], parse: Parser | None = None) -> list[Quote]:
    """Direct and reported quotations in `text`, in order, speakers resolved against `entities`.

    With `parse`, the sentences with a verb of saying are parsed and their reported speech read on the parse
    (reported.py); the regular expressions below stay the fallback."""
    resolver = _Speakers(text, entities)
    directs: list[tuple[list[Quote], _Cue | None]] = []
    previous: _Cue | None = None
    for sentence in resolver.sentences:
        direct, cue = _direct(text, sentence, resolver, previous)
        directs.append((direct, cue))
        previous = cue if direct else None
    # Quotations no regex cue explained ("Weaver ..., telling reporters, “...”") get their sentence parsed too.
    uncued = {s.start for s, (direct, cue) in zip(resolver.sentences, directs, strict=True) if direct and not cue}
    parsed = _parsed_reports(text, resolver.sentences, parse, uncued) if parse else {}
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    found: list[Quote] = []
    for sentence, (direct, cue) in zip(resolver.sentences, directs, strict=True):
        said = [r for r in parsed.get(sentence.start, []) if not any(s < r.verb_start < e for s, e in quoted)]
        if direct and cue is None and said and said[0].who_start >= 0:
            direct = _spoken_by(text, direct, said[0], resolver)
        if direct:
            found += _with_mixed(text, direct, said, resolver)
        else:
            found += [_from_report(text, r, resolver) for r in said] or _indirect(text, sentence, resolver)
    return found


def _spoken_by(text: str, direct: list[Quote], report: Report, resolver: _Speakers) -> list[Quote]:
    """The quotations of a sentence whose speaker the parse names (the subject of its verb of saying)."""
    who = text[report.who_start : report.who_end]
    speaker = resolver.resolve(who, report.who_start)
    if speaker is None:
        return direct
    return [q.model_copy(update={"speaker": speaker, "speaker_text": who, "cue": report.verb}) for q in direct]


def _parsed_reports(text: str, sentences: list[_Sentence], parse: Parser, uncued: set[int]) -> dict[int, list[Report]]:
    """Reported speech by sentence start, for the sentences worth parsing (one parse call per article)."""
    marks = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    chosen = [
        s
        for s in sentences
        if worth_parsing(
            text[s.start : s.end],
            [(a - s.start, b - s.start) for a, b in marks if s.start <= a < s.end],
            any_length=s.start in uncued,
        )
    ]
    docs = parse([text[s.start : s.end] for s in chosen]) if chosen else []
    return {s.start: reports(doc, s.start) for s, doc in zip(chosen, docs, strict=True)}


def _from_report(text: str, report: Report, resolver: _Speakers, speaker: str | None = None) -> Quote:
    who = text[report.who_start : report.who_end] if report.who_start >= 0 else None
    return Quote(
        text=text[report.start : report.end],
        kind="indirect",
        speaker=resolver.resolve(who, report.who_start) if who else speaker,
        speaker_text=who,
        cue=report.verb,
        start=report.start,
        end=report.end,
    )


# A quotation that is less than this share of the reported clause around it is a fragment of a paraphrase.
MIXED_SHARE = 0.6


def _with_mixed(text: str, direct: list[Quote], said: list[Report], resolver: _Speakers) -> list[Quote]:
    """Quoted fragments inside a reported clause ("Trump said Bush is “not smart enough to win”") are one
    quote: the clause, its subject the speaker."""
    found = list(direct)
    for report in said:
        inside = [q for q in found if report.start <= q.start and q.end <= report.end + 1]
        words = len(text[report.start : report.end].split())
        if not inside or sum(len(q.text.split()) for q in inside) >= MIXED_SHARE * words:
            continue
        if inside[0].start <= report.start + 1:
            continue  # the clause opens with the quotation: the reporter quotes, then goes on in own words
        speaker = next((q.speaker for q in inside if q.speaker), None)
        found = [q for q in found if q not in inside] + [_from_report(text, report, resolver, speaker)]
    return sorted(found, key=lambda q: q.start)


def _sentences(text: str) -> list[_Sentence]:
    """Sentences, where several sentences inside one pair of quotation marks (in one paragraph) stay one."""
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    starts = [start for start, _ in quoted]
    sentences, start = [], 0
    for boundary in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text, max(start, boundary.start() - 12), boundary.start()):
            continue
        if _inside(quoted, starts, boundary.start(), boundary.end()) and "\n" not in boundary.group():
            continue
        # The closing quotation mark after the full stop belongs to the sentence it closes.
        sentences.append(_Sentence(start, boundary.start() + len(boundary.group("close") or "")))
        start = boundary.end()
    sentences.append(_Sentence(start, len(text)))
    return [s for s in sentences if text[s.start : s.end].strip()]


def _inside(quoted: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """Whether text[start:end] lies strictly inside one of the sorted `quoted` spans."""
    index = bisect_right(starts, start) - 1
    return index >= 0 and quoted[index][0] < start and end < quoted[index][1]


def _direct(
    text: str, sentence: _Sentence, resolver: _Speakers, previous: _Cue | None = None
) -> tuple[list[Quote], _Cue | None]:
    """The sentence's quotations and their cue; a sentence that is only a quotation and has no cue of its own
    continues the previous sentence's speaker (“A,” X said. “B.”: B is X's too)."""
    pieces = [m for m in _QUOTED.finditer(text, sentence.start, sentence.end)]
    if not pieces:
        return [], None
    cue = _direct_cue(text, sentence, pieces)
    if cue is None and previous is not None and _only_quotation(text, sentence, pieces):
        cue = previous
    found = []
    for piece in pieces:
        group = next(i for i in (1, 2, 3) if piece.group(i) is not None)
        words = piece.group(group).strip(" ,.")
        if cue is None and len(words.split()) < MIN_SCARE_QUOTE_WORDS:
            continue
        who, who_start, verb = cue if cue else (None, None, None)
        speaker = resolver.resolve(who, who_start) if who else None
        if cue is None:
            # No reporting verb ("Cruz hit back: ..." or a quote after "Kerry explained:"): the person named
            # last before it, in its sentence or the one before, introduced it.
            introducer = resolver.introducer(piece.start())
            if introducer:
                speaker, who = introducer
        found.append(
            Quote(
                text=words,
                kind="direct",
                speaker=speaker,
                speaker_text=who,
                cue=verb,
                start=piece.start(group),
                end=piece.end(group),
            )
        )
    return found, cue


def _only_quotation(text: str, sentence: _Sentence, pieces: list[re.Match[str]]) -> bool:
    """Nothing but punctuation outside the sentence's one quotation."""
    outside = text[sentence.start : pieces[0].start()] + text[pieces[0].end() : sentence.end]
    return len(pieces) == 1 and not any(ch.isalnum() for ch in outside)


def _direct_cue(text: str, sentence: _Sentence, pieces: list[re.Match[str]]) -> _Cue | None:
    """(speaker words, their offset, verb) for the quotations of one sentence, or None."""
    after = _CUE_AFTER.match(text, pieces[-1].end(), sentence.end)
    if after:
        key = "who" if after.group("who") else "who2"
        return after.group(key), after.start(key), after.group("verb") or after.group("verb2")
    before = _CUE_BEFORE.search(text, sentence.start, pieces[0].start())
    if before:
        return before.group("who"), before.start("who"), before.group("verb")
    aside = _CUE_ASIDE.search(text, sentence.start, sentence.end)
    if aside:
        return aside.group("who"), aside.start("who"), aside.group("verb")
    return None


def _indirect(text: str, sentence: _Sentence, resolver: _Speakers) -> list[Quote]:
    body = text[sentence.start : sentence.end]
    offset = sentence.start
    according = _ACCORDING.match(body)
    if according:
        return [
            _reported(
                according,
                "content",
                according.group("who"),
                offset + according.start("who"),
                "according to",
                resolver,
                offset,
            )
        ]
    then_cue = _CONTENT_THEN_CUE.match(body)
    if then_cue and _plausible_speaker(then_cue.group("who")):
        who, at = then_cue.group("who"), offset + then_cue.start("who")
        found = [_reported(then_cue, "content", who, at, then_cue.group("verb"), resolver, offset)]
        if then_cue.group("content2"):
            found.append(_reported(then_cue, "content2", who, at, "adding", resolver, offset))
        return [q for q in found if len(q.text.split()) >= MIN_CONTENT_WORDS]
    that = _VERB_THAT.search(body)
    if that:
        who, at = resolver.subject(body[: that.start()], offset)
        if who:
            quote = _reported(that, "content", who, at, that.group("verb"), resolver, offset)
            return [quote] if len(quote.text.split()) >= MIN_CONTENT_WORDS else []
    office = _OFFICE_CLAUSE.match(body)
    if office and resolver.holder_of(office.group("who")):
        quote = _reported(
            office, "content", office.group("who"), offset + office.start("who"), office.group("verb"), resolver, offset
        )
        return [quote] if len(quote.text.split()) >= MIN_CONTENT_WORDS else []
    clause = _VERB_CLAUSE.match(body)
    if clause and resolver.resolve(clause.group("who"), offset + clause.start("who")):
        quote = _reported(
            clause, "content", clause.group("who"), offset + clause.start("who"), clause.group("verb"), resolver, offset
        )
        return [quote] if len(quote.text.split()) >= MIN_CONTENT_WORDS else []
    said = _SUBJECT_SAID.search(body)
    if said and resolver.resolve(said.group("who"), offset + said.start("who")):
        quote = _reported(
            said, "content", said.group("who"), offset + said.start("who"), said.group("verb"), resolver, offset
        )
        return [quote] if len(quote.text.split()) >= MIN_CONTENT_WORDS else []
    return []


def _reported(
    match: re.Match[str], group: str, who: str, who_start: int, verb: str, resolver: _Speakers, offset: int
) -> Quote:
    start, end = match.start(group), match.end(group)
    return Quote(
        text=match.group(group).strip(),
        kind="indirect",
        speaker=resolver.resolve(who, who_start),
        speaker_text=who,
        cue=verb,
        start=offset + start,
        end=offset + end,
    )


def _plausible_speaker(who: str) -> bool:
    return who.lower() in _PRONOUNS | {"they"} or who[:1].isupper() or who.lower().startswith(("the ", "a ", "an "))


class _Speakers:
    """Resolves the words naming a speaker to an entity's canonical name."""

    def __init__(self, text: str, entities: list[Entity]) -> None:
        self.text = text
        self.entities = entities
        self.sentences = _sentences(text)
        self.mentions = sorted(
            ((span.start, span.end, entity) for entity in entities for span in entity.spans),
            key=lambda m: (m[0], m[1]),
        )
        quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
        starts = [start for start, _ in quoted]
        # Who "he" or "she" can mean: people named outside quotation marks (the speaker's own words name others).
        self.named = [m for m in self.mentions if m[2].type == "PERSON" and not _inside(quoted, starts, m[0], m[1])]
        self.genders = _genders(text, self.sentences, self.named)

    def resolve(self, who: str | None, at: int | None) -> str | None:
        if not who or at is None:
            return None
        lower = who.lower()
        named = self._entity_at(at, at + len(who), ("PERSON", "ORG", "NORP", "GPE"))
        holder = self.holder_of(who)
        if holder:
            return holder
        if named:
            return named.name
        if lower in _PRONOUNS:
            person = self._subject_before(at, lower)
            return person.name if person else None
        noun = lower.removeprefix("the ").removeprefix("a ").removeprefix("an ").split()[-1] if lower.split() else ""
        if re.fullmatch(_DOCUMENTS, noun):
            return self._author_before(at)
        holders = [e for e in self.entities if e.type == "PERSON" and any(noun in r.title.split() for r in e.roles)]
        return holders[0].name if len(holders) == 1 else None

    def holder_of(self, words: str) -> str | None:
        """The one person whose role is written exactly so ("Secretary of Iran's High Council ...")."""
        key = words.casefold().strip()
        holders = {e.name for e in self.entities if any(r.text.casefold() == key for r in e.roles)}
        return holders.pop() if len(holders) == 1 else None

    def subject(self, before_verb: str, offset: int) -> tuple[str | None, int]:
        """The first person or pronoun in the words before a reporting verb: its words and offset."""
        end = offset + len(before_verb)
        for start, stop, entity in self.mentions:
            if offset <= start and stop <= end and entity.type == "PERSON":
                pronoun = re.search(r"\b(?:he|she|He|She)\b", before_verb)
                if pronoun and offset + pronoun.start() < start:
                    return pronoun.group(), offset + pronoun.start()
                return self.text[start:stop], start
        pronoun = re.search(r"\b(?:he|she|He|She)\b", before_verb)
        if pronoun:
            return pronoun.group(), offset + pronoun.start()
        return None, 0

    def _entity_at(self, start: int, end: int, types: tuple[str, ...]) -> Entity | None:
        """The entity the words name: a person first, else the one named last ("UK party leader Nigel Farage":
        Farage, not the UK)."""
        named = [(entity.type != "PERSON", -e, entity) for s, e, entity in self.mentions if s < end and start < e]
        named = [n for n in named if n[2].type in types]
        return min(named, key=lambda n: (n[0], n[1]))[2] if named else None

    def introducer(self, position: int) -> tuple[str, str] | None:
        """(name, words) of the last person named before `position` in its sentence or the one before."""
        index = max((i for i, sentence in enumerate(self.sentences) if sentence.start <= position), default=0)
        begin = self.sentences[max(index - 1, 0)].start if self.sentences else 0
        people = [(s, e, entity) for s, e, entity in self.mentions if begin <= s and e <= position]
        people = [m for m in people if m[2].type == "PERSON"]
        if not people:
            return None
        start, end, entity = people[-1]
        return entity.name, self.text[start:end]

    def _subject_before(self, position: int, pronoun: str = "") -> Entity | None:
        """Whom "he" or "she" at `position` means: the first person named (outside quotation marks) in its
        sentence before it, else in the nearest earlier sentence naming one (the subject usually comes first);
        a person the text shows to be of the other gender is passed over."""
        gender = _PRONOUN_GENDER.get(pronoun.lower())
        for sentence in reversed([s for s in self.sentences if s.start <= position]):
            end = min(sentence.end, position)
            people = [e for s, _, e in self.named if sentence.start <= s < end]
            people = [e for e in people if not gender or self.genders.get(e.name, gender) == gender]
            if people:
                return people[0]
        return None

    def _author_before(self, position: int) -> str | None:
        """Who the text says wrote or sent a document, before `position`."""
        authored = [m for m in _AUTHORED.finditer(self.text, 0, position)]
        for match in reversed(authored):
            sentence_start = max(s.start for s in self.sentences if s.start <= match.start())
            who, at = self.subject(self.text[sentence_start : match.start()], sentence_start)
            if who:
                return self.resolve(who, at)
        return None
