"""`newsflow eval entities`: newsflow's entities vs CoNLL-2003 gold (ner-dev), next to the plain spaCy model.

Each CoNLL document becomes one text (tokens joined by spaces, sentences by newlines) that goes through the
real enrich core as a ParsedArticle; the peer is `nlp(text).ents` of the model newsflow loads. Scored by
exact character span + type, micro over PER/ORG/LOC; CoNLL's MISC and spaCy's NORP, DATE, ... are ignored.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsflow_schemas import EnrichedArticle, ParsedArticle

from .shingles import f1_score

SCORED_TYPES = ("PER", "ORG", "LOC")
# spaCy's OntoNotes labels as CoNLL types; anything else (NORP, MISC, DATE, ...) is not scored.
SPACY_TO_CONLL = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
SPLITS = {"train": "eng.train.gz", "testa": "eng.testa.gz"}
# eng.train is the half rules may be tuned on; eng.testa only checks them.
SPLIT_ROLES = {"train": "development", "testa": "check"}

Span = tuple[int, int, str]  # start, end, CoNLL type


@dataclass(frozen=True)
class NerDocument:
    """One CoNLL document as a text, with its gold spans as character offsets into it."""

    name: str
    text: str
    gold: frozenset[Span]


@dataclass
class TypeCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return f1_score(self.precision, self.recall)


@dataclass
class NerScore:
    """Counts per type; `micro` pools them."""

    types: dict[str, TypeCounts] = field(default_factory=lambda: {t: TypeCounts() for t in SCORED_TYPES})

    @property
    def micro(self) -> TypeCounts:
        return TypeCounts(
            tp=sum(c.tp for c in self.types.values()),
            fp=sum(c.fp for c in self.types.values()),
            fn=sum(c.fn for c in self.types.values()),
        )

    def add(self, gold: Iterable[Span], found: Iterable[Span]) -> None:
        gold_set = {s for s in gold if s[2] in SCORED_TYPES}
        found_set = {s for s in found if s[2] in SCORED_TYPES}
        for span in found_set:
            counts = self.types[span[2]]
            if span in gold_set:
                counts.tp += 1
            else:
                counts.fp += 1
        for span in gold_set - found_set:
            self.types[span[2]].fn += 1


def read_conll(lines: Iterable[str]) -> list[NerDocument]:
    """Documents of a CoNLL-2003 file (`token POS chunk IOB1-tag` a line, `-DOCSTART-` between documents)."""
    documents: list[NerDocument] = []
    sentences: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []

    def close_document() -> None:
        if sentence:
            sentences.append(list(sentence))
            sentence.clear()
        if sentences:
            documents.append(_document(f"doc{len(documents):04d}", sentences))
            sentences.clear()

    for line in lines:
        parts = line.split()
        if not parts:
            if sentence:
                sentences.append(list(sentence))
                sentence.clear()
        elif parts[0] == "-DOCSTART-":
            close_document()
        else:
            sentence.append((parts[0], parts[-1]))
    close_document()
    return documents


def _document(name: str, sentences: list[list[tuple[str, str]]]) -> NerDocument:
    """Join tokens by spaces and sentences by newlines; IOB1: I-X continues an X, B-X starts a new one."""
    pieces: list[str] = []
    gold: set[Span] = set()
    offset = 0
    for sentence in sentences:
        open_span: tuple[int, int, str] | None = None
        for index, (token, tag) in enumerate(sentence):
            if index:
                pieces.append(" ")
                offset += 1
            start, end = offset, offset + len(token)
            pieces.append(token)
            offset = end
            kind = tag[2:] if tag != "O" else None
            continues = open_span is not None and kind == open_span[2] and tag.startswith("I-")
            if continues and open_span is not None:
                open_span = (open_span[0], end, open_span[2])
                continue
            if open_span is not None:
                gold.add(open_span)
            open_span = (start, end, kind) if kind else None
        if open_span is not None:
            gold.add(open_span)
        pieces.append("\n")
        offset += 1
    return NerDocument(name, "".join(pieces).rstrip("\n"), frozenset(gold))


def load_split(corpus: Path, split: str, limit: int | None = None) -> list[NerDocument]:
    with gzip.open(corpus / SPLITS[split], "rt", encoding="utf-8") as handle:
        documents = read_conll(handle)
    return documents[:limit] if limit else documents


def article_for(document: NerDocument) -> ParsedArticle:
    """The message the parse stage would send for this text: a body, no title, no declared language."""
    return ParsedArticle(article_id=f"conll-{document.name}", trace_id="eval", body=document.text)


def newsflow_spans(article: EnrichedArticle) -> set[Span]:
    """Every mention of every entity newsflow kept, typed as CoNLL."""
    return {
        (mention.start, mention.end, SPACY_TO_CONLL[entity.type])
        for entity in article.entities
        if entity.type in SPACY_TO_CONLL
        for mention in entity.spans
    }


def spacy_spans(labelled: Iterable[tuple[int, int, str]]) -> set[Span]:
    return {(start, end, SPACY_TO_CONLL[label]) for start, end, label in labelled if label in SPACY_TO_CONLL}


@dataclass
class NerRun:
    system: str
    score: NerScore
    ms_per_doc: float


def run_systems(
    documents: list[NerDocument],
    systems: dict[str, Callable[[list[NerDocument]], list[set[Span]]]],
) -> list[NerRun]:
    """Each system on all documents, scored the same way."""
    runs = []
    for name, system in systems.items():
        began = time.perf_counter()
        found = system(documents)
        elapsed = time.perf_counter() - began
        score = NerScore()
        for document, spans in zip(documents, found, strict=True):
            score.add(document.gold, spans)
        runs.append(NerRun(name, score, 1000 * elapsed / max(len(documents), 1)))
    return runs
