"""`newsflow eval quotes`: newsflow's quotes vs PolNeAR attributions (quotes-dev), next to a regex peer.

Gold quotes are the attributions the corpus README calls quotes: content in quotation marks, or a cue
that is a verb of saying. Kinds: direct (the content is one quotation), mixed (a quoted fragment inside
a paraphrase), indirect (no quotation marks). A found quote matches a gold one when their word tokens
overlap by Dice >= 0.5 (one-to-one, best overlap first); its speaker is right when the found name shares
a word with the gold Source, or - for a pronoun Source ("he") - with the nearest earlier named Source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsflow_schemas import EnrichedArticle

from .quote_lexicon import NAME_STOP_WORDS, PRONOUNS, SPEECH_VERBS
from .shingles import f1_score

MIN_OVERLAP = 0.5
KINDS = ("direct", "mixed", "indirect")
_WORD = re.compile(r"\w+")
_QUOTE_MARKS = "\"“”''"
# The peer: text in double quotation marks (curly, straight or doubled '') of at least two words.
_QUOTED = re.compile(r"“([^“”]+?)”|\"([^\"\n]+?)\"|''([^'\n]+?)''")


@dataclass(frozen=True)
class GoldQuote:
    start: int
    end: int
    kind: str
    source: str  # the Source span's text, "" when the attribution has none
    source_name: str  # the source, or for a pronoun the nearest earlier named source


@dataclass(frozen=True)
class FoundQuote:
    start: int
    end: int
    speaker: str | None


@dataclass
class QuotesDocument:
    name: str
    text: str
    gold: list[GoldQuote]


@dataclass
class QuoteScore:
    found: int = 0
    gold: int = 0
    matched: int = 0  # found quotes matched to a gold quote
    right_speaker: int = 0  # ... whose speaker is right
    gold_by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    matched_by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    def recall_of(self, kind: str) -> float:
        return self.matched_by_kind[kind] / self.gold_by_kind[kind] if self.gold_by_kind[kind] else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.right_speaker / self.matched if self.matched else 0.0

    @property
    def pair_precision(self) -> float:
        return self.right_speaker / self.found if self.found else 0.0

    @property
    def pair_recall(self) -> float:
        return self.right_speaker / self.gold if self.gold else 0.0

    @property
    def pair_f1(self) -> float:
        return f1_score(self.pair_precision, self.pair_recall)


def read_brat(ann: str) -> list[tuple[tuple[int, int], tuple[int, int] | None, str, str]]:
    """(content span, source span, source text, cue text) of each attribution in a brat .ann file.

    A discontinuous span ("2103 2168;2170 2425") is taken from its first start to its last end."""
    spans: dict[str, tuple[int, int, str]] = {}
    events: list[dict[str, str]] = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label_offsets = parts[1].split(" ", 1)
            if len(label_offsets) < 2:
                continue
            numbers = [int(n) for n in re.findall(r"\d+", label_offsets[1])]
            spans[parts[0]] = (numbers[0], numbers[-1], parts[2] if len(parts) > 2 else "")
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg))
    attributions = []
    for event in events:
        content = spans.get(event.get("Content", ""))
        if content is None:
            continue
        source = spans.get(event.get("Source", ""))
        cue = spans.get(event.get("Cue", ""))
        attributions.append(
            (
                (content[0], content[1]),
                (source[0], source[1]) if source else None,
                source[2] if source else "",
                cue[2] if cue else "",
            )
        )
    return attributions


def quote_kind(content: str, cue: str) -> str | None:
    """direct, mixed or indirect when the attribution is a quote (README: quoted, or a verb of saying)."""
    stripped = content.strip(" ,.;:!?")
    quoted = any(mark in content for mark in '“”"') or "''" in content
    if quoted:
        inside = _QUOTED.fullmatch(stripped) or (stripped[:1] in '“"' and stripped[-1:] in '”"')
        return "direct" if inside else "mixed"
    words = {w.lower() for w in _WORD.findall(cue)}
    return "indirect" if words & SPEECH_VERBS else None


def gold_quotes(text: str, ann: str) -> list[GoldQuote]:
    attributions = sorted(read_brat(ann), key=lambda a: a[0])
    named: list[tuple[int, str]] = [
        (span[0], source) for _, span, source, _ in attributions if span and source.lower() not in PRONOUNS
    ]
    found = []
    for (start, end), source_span, source, cue in attributions:
        kind = quote_kind(text[start:end], cue)
        if kind is None:
            continue
        name = source
        if source.lower() in PRONOUNS and source_span:
            earlier = [n for at, n in named if at < source_span[0]]
            name = earlier[-1] if earlier else source
        found.append(GoldQuote(start, end, kind, source, name))
    return found


def load_quotes(corpus: Path) -> list[QuotesDocument]:
    """Every article with its gold quotes, by sorted name; the first annotator's file when several annotated it."""
    documents = []
    for path in sorted((corpus / "text").glob("*.txt")):
        annotations = sorted((corpus / "attributions").glob(f"{path.stem}_*.ann"))
        if not annotations:
            continue
        text = path.read_text(encoding="utf-8")
        documents.append(QuotesDocument(path.stem, text, gold_quotes(text, annotations[0].read_text(encoding="utf-8"))))
    return documents


def halves(documents: list[QuotesDocument]) -> dict[str, list[QuotesDocument]]:
    """Even positions in name order develop, odd positions check."""
    ordered = sorted(documents, key=lambda d: d.name)
    return {"even": ordered[0::2], "odd": ordered[1::2]}


def _tokens(text: str, start: int, end: int) -> set[int]:
    """Word tokens of text[start:end], as their offsets in the text."""
    return {start + m.start() for m in _WORD.finditer(text[start:end])}


def overlap(text: str, a: tuple[int, int], b: tuple[int, int]) -> float:
    """Dice overlap of the word tokens of two spans of `text`."""
    ta, tb = _tokens(text, *a), _tokens(text, *b)
    return 2 * len(ta & tb) / (len(ta) + len(tb)) if ta and tb else 0.0


def _name_words(name: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(name)} - NAME_STOP_WORDS


def same_speaker(found: str | None, gold: GoldQuote) -> bool:
    if not found:
        return False
    words = _name_words(found)
    return bool(words & (_name_words(gold.source) | _name_words(gold.source_name)))


def score_document(score: QuoteScore, document: QuotesDocument, found: list[FoundQuote]) -> None:
    score.found += len(found)
    score.gold += len(document.gold)
    for gold in document.gold:
        score.gold_by_kind[gold.kind] += 1
    pairs = sorted(
        (
            (overlap(document.text, (f.start, f.end), (g.start, g.end)), i, j)
            for i, f in enumerate(found)
            for j, g in enumerate(document.gold)
            if f.start < g.end and g.start < f.end
        ),
        reverse=True,
    )
    used_found: set[int] = set()
    used_gold: set[int] = set()
    for value, i, j in pairs:
        if value < MIN_OVERLAP or i in used_found or j in used_gold:
            continue
        used_found.add(i)
        used_gold.add(j)
        gold = document.gold[j]
        score.matched += 1
        score.matched_by_kind[gold.kind] += 1
        if same_speaker(found[i].speaker, gold):
            score.right_speaker += 1


def newsflow_quotes(article: EnrichedArticle) -> list[FoundQuote]:
    """newsflow's quotes; the speaker is the resolved entity, else the words naming it unless a pronoun."""
    found = []
    for quote in article.quotes:
        words = quote.speaker_text if (quote.speaker_text or "").lower() not in PRONOUNS else None
        found.append(FoundQuote(quote.start, quote.end, quote.speaker or words))
    return found


def regex_quotes(text: str, people: Iterable[tuple[int, int]]) -> list[FoundQuote]:
    """The peer: every quotation of two words or more, its speaker the nearest PERSON outside it."""
    names = sorted(people)
    found = []
    for match in _QUOTED.finditer(text):
        group = next(i for i in (1, 2, 3) if match.group(i) is not None)
        if len(match.group(group).split()) < 2:
            continue
        outside = [(s, e) for s, e in names if e <= match.start() or s >= match.end()]
        nearest = min(outside, key=lambda p: min(abs(p[1] - match.start()), abs(p[0] - match.end())), default=None)
        found.append(
            FoundQuote(match.start(group), match.end(group), text[nearest[0] : nearest[1]] if nearest else None)
        )
    return found
