"""Reported speech on the dependency parse: a verb of saying, its clause what was said, its subject who said it.

"Officials said the plan would cost more", "The campaign told reporters that ...", "..., the senator argued",
"Clinton, who warned that ...", "..., saying the deal was dead" (the subject of the clause it hangs on) and
"according to X" anywhere in the sentence. Pure over a parsed Doc; quotes.py resolves the speaker.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from spacy.tokens import Doc, Span, Token

# Verbs of saying: (base, irregular past) - the other forms are made from the base.
_BASES = {
    "say": "said",
    "tell": "told",
    "write": "wrote",
    "written": "",
    "add": "",
    "note": "",
    "argue": "",
    "warn": "",
    "deny": "",
    "claim": "",
    "announce": "",
    "state": "",
    "insist": "",
    "explain": "",
    "suggest": "",
    "acknowledge": "",
    "admit": "admitted",
    "concede": "",
    "contend": "",
    "declare": "",
    "assert": "",
    "maintain": "",
    "predict": "",
    "promise": "",
    "vow": "",
    "pledge": "",
    "reply": "",
    "respond": "",
    "tweet": "",
    "stress": "",
    "emphasize": "",
    "emphasise": "",
    "complain": "",
    "charge": "",
    "allege": "",
    "report": "",
    "confirm": "",
    "recall": "",
    "observe": "",
    "remark": "",
    "caution": "",
    "boast": "",
    "counter": "",
    "conclude": "",
    "testify": "",
    "reiterate": "",
    "repeat": "",
    "mention": "",
    "disclose": "",
    "reveal": "",
    "estimate": "",
    "proclaim": "",
    "indicate": "",
    "signal": "",
}


def _forms(base: str, past: str) -> set[str]:
    stem = base[:-1] if base.endswith("e") else base
    if base.endswith("y") and base[-2] not in "aeiou":
        third, regular_past = base[:-1] + "ies", base[:-1] + "ied"
    else:
        third = base + ("es" if base.endswith(("s", "sh", "ch", "x")) else "s")
        regular_past = base + "d" if base.endswith("e") else base + "ed"
    # "admitted" -> "admitting"
    ing = past[:-2] + "ing" if past.endswith("ed") and past[-3] == past[-4] else stem + "ing"
    return {base, third, past or regular_past, ing}


SPEECH_FORMS: frozenset[str] = frozenset(f for base, past in _BASES.items() for f in _forms(base, past))
# A sentence worth parsing: a verb of saying or "according to" in it.
_CUE_WORD = re.compile(r"\b(?:" + "|".join(sorted(SPEECH_FORMS, key=len, reverse=True)) + r")\b|\baccording to\b", re.I)
# Subjects that name no speaker outside the sentence's own quotation.
_NO_SPEAKER = frozenset({"i", "we", "you", "it", "this", "that", "there", "what", "which", "one", "me", "us"})
_RELATIVE = frozenset({"who", "that", "which"})
_SUBJECTS = ("nsubj", "nsubjpass")
_CONTENT = ("ccomp",)
MIN_CONTENT_WORDS = 4
# Words outside the quotations of a sentence: fewer are a speaker and a cue (“...,” said Vice President Joe Biden).
MIN_PARAPHRASE_WORDS = 6


class Report(NamedTuple):
    """Offsets into the article: what was said, who said it (-1: nobody named), the cue."""

    start: int
    end: int
    who_start: int
    who_end: int
    verb: str
    verb_start: int


def worth_parsing(sentence: str, quoted: list[tuple[int, int]], any_length: bool = False) -> bool:
    """A verb of saying outside quotation marks (`quoted`: their spans in `sentence`), and besides the
    quotations enough words for a paraphrase (unless `any_length`): “A,” she said. needs no parse, the cue
    regexes read it."""
    if not any(not any(s < m.start() < e for s, e in quoted) for m in _CUE_WORD.finditer(sentence)):
        return False
    if any_length:
        return True
    outside = sum(
        len(sentence[s:e].split())
        for s, e in zip([0] + [e for _, e in quoted], [s for s, _ in quoted] + [len(sentence)], strict=True)
    )
    return not quoted or outside >= MIN_PARAPHRASE_WORDS


def reports(doc: Doc, offset: int) -> list[Report]:
    """The reported speech of one parsed sentence; `offset`: where the sentence starts in the article."""
    found: list[Report] = []
    taken: list[tuple[int, int]] = []
    for token in doc:
        if any(s <= token.i < e for s, e in taken):
            continue  # a verb inside reported content is part of what was said
        report = _according(token, offset) if token.lower_ == "according" else _said(token, offset)
        if report is None:
            continue
        span, who, verb = report
        if sum(1 for t in span if not t.is_punct) < MIN_CONTENT_WORDS:
            continue
        start, end = _trim(span)
        found.append(
            Report(
                offset + start,
                offset + end,
                offset + who.start_char if who is not None else -1,
                offset + who.end_char if who is not None else -1,
                verb.text,
                offset + verb.idx,
            )
        )
        taken.append((span.start, span.end))
    return found


def _said(verb: Token, offset: int) -> tuple[Span, Span | None, Token] | None:
    if verb.lower_ not in SPEECH_FORMS:
        return None
    if verb.lower_.endswith("ing") and verb.i < verb.head.i:
        return None  # "Stressing that ..., he added that ...": the main clause's report is the quote
    clauses = [c for c in verb.children if c.dep_ in _CONTENT]
    # What was said mostly follows the verb; a clause before it ("The plan is dead, officials said") when none does.
    clause = next((c for c in clauses if c.i > verb.i), clauses[0] if clauses else None)
    doc = verb.doc
    if clause is not None:
        start = clause.left_edge.i
        comma = doc[start].text == "," or doc[start - 1].text == ","
        objects = [c for c in verb.children if c.dep_ == "dobj" and verb.i < c.i < clause.i]
        if objects and not any(c.dep_ in _SUBJECTS for c in clause.children):
            # "warned [the new rules] [would raise prices]": the object the parser split off is the subject
            start = objects[0].left_edge.i
        if clause.i > verb.i and start > verb.i + 1 and comma:
            # "said after the revolution, groups were created": words set off by a comma before the clause
            # belong to it, wherever the parser hung them.
            start = verb.i + 1
        content = doc[start : clause.right_edge.i + 1]
    elif verb.dep_ in ("parataxis", "ccomp") and verb.head.i < verb.i and verb.head.dep_ == "ROOT":
        # "The plan is dead, officials said": what comes before the cue is what was said.
        end = min(t.i for t in verb.subtree)
        content = doc[verb.head.left_edge.i : end]
    else:
        return None
    who = _subject(verb)
    if who is None or who.text.lower() in _NO_SPEAKER:
        return None
    return content, who, verb


def _subject(verb: Token) -> Span | None:
    """The words naming who speaks: the verb's subject, else (a conjoined or "saying" verb) its head's."""
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
        if subject is not None:
            if subject.lower_ in _RELATIVE and verb.dep_ == "relcl":
                subject = verb.head  # "Clinton, who said ...": Clinton
            return _noun_phrase(subject)
        if verb.dep_ not in ("conj", "advcl", "xcomp", "relcl") or verb.head is verb:
            return None
        if verb.dep_ == "relcl":
            return _noun_phrase(verb.head)
        verb = verb.head
    return None


def _noun_phrase(head: Token) -> Span:
    """The head noun with the words before it in its phrase ("Vice President Joe Biden"), not its clauses."""
    start = head.left_edge.i
    for token in head.lefts:
        if token.dep_ in ("punct", "cc", "prep", "relcl", "appos"):
            start = token.i + 1
    end = head.i + 1
    for token in head.rights:
        if token.dep_ in ("compound", "flat") and token.i == end:
            end += 1
    return head.doc[start:end]


def _according(token: Token, offset: int) -> tuple[Span, Span | None, Token] | None:
    """ "..., according to X, ...": the clause "according" hangs on is what X said."""
    to = next((c for c in token.children if c.lower_ == "to"), None)
    source = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if source is None:
        return None
    head = token.head
    doc = token.doc
    outside = range(token.left_edge.i, token.right_edge.i + 1)
    words = [t.i for t in head.subtree if t.i not in outside]
    if not words:
        return None
    # The longer side of the clause around the "according to" phrase.
    before = [i for i in words if i < outside.start]
    after = [i for i in words if i >= outside.stop]
    side = before if len(before) >= len(after) else after
    if not side:
        return None
    return doc[side[0] : side[-1] + 1], _noun_phrase(source), token


def _trim(span: Span) -> tuple[int, int]:
    """Character offsets of the span without leading "that" and edge punctuation."""
    tokens = list(span)
    while tokens and (tokens[0].is_punct or (tokens[0].lower_ == "that" and tokens[0].dep_ == "mark")):
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct and tokens[-1].text not in '”"':
        tokens = tokens[:-1]
    if not tokens:
        return span.start_char, span.end_char
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
