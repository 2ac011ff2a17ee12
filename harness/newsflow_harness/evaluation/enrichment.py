"""Score enrichment against the hand-made gold file for the seed wires: precision and recall per kind.

Entities match by name (any of the gold names, case and "the" ignored); a role matches when person and
title agree and, if the gold names one, the organisation does (either name inside the other); a quote
matches when kind and speaker agree and its text contains the gold opening.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsflow_schemas import EnrichedArticle, RawArticle

GOLD = Path(__file__).parent / "annotations" / "seeds-enrichment.json"
KINDS = ("person", "organization", "place", "role", "quote")
_TYPES = {"person": ("PERSON",), "organization": ("ORG",), "place": ("GPE", "LOC", "FAC")}


@dataclass
class KindScore:
    kind: str
    gold: int = 0
    found: int = 0
    found_correct: int = 0
    gold_found: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.found_correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 1.0


def _key(name: str) -> str:
    return " ".join(name.replace("’", "'").split()).casefold().removeprefix("the ")


def enrich_seeds(seeds: Path, enrich_one: Any) -> dict[str, EnrichedArticle]:
    """Each gold article's seed file through the real parse core, then `enrich_one(parsed)`."""
    from services.parse.core import parse

    gold = json.loads(GOLD.read_text())["articles"]
    enriched = {}
    for number, article in gold.items():
        raw = RawArticle(
            article_id=f"seed-{number}",
            trace_id="eval",
            content=(seeds / article["file"]).read_text(),
            content_type="text",
        )
        enriched[number] = enrich_one(parse(raw))
    return enriched


def score(enriched: dict[str, EnrichedArticle]) -> dict[str, KindScore]:
    gold = json.loads(GOLD.read_text())["articles"]
    scores = {kind: KindScore(kind) for kind in KINDS}
    for number, article in enriched.items():
        expected = gold[number]
        ignored = {_key(n) for n in expected.get("ignore", [])}
        for kind, types in _TYPES.items():
            _score_entities(scores[kind], number, expected[kind], article, types, ignored)
        _score_roles(scores["role"], number, expected["role"], article)
        _score_quotes(scores["quote"], number, expected["quote"], article)
    return scores


def _score_entities(
    score: KindScore,
    number: str,
    gold: list[list[str]],
    article: EnrichedArticle,
    types: tuple[str, ...],
    ignored: set[str],
) -> None:
    found = [e for e in article.entities if e.type in types]
    found_names = [{_key(e.name)} | {_key(f) for f in e.surface_forms} for e in found]
    for names in gold:
        keys = {_key(n) for n in names}
        score.gold += 1
        if any(keys & f for f in found_names):
            score.gold_found += 1
        else:
            score.misses.append(f"{number}: {names[0]}")
    gold_keys = {_key(n) for names in gold for n in names}
    for entity, forms in zip(found, found_names, strict=True):
        if forms & ignored and not forms & gold_keys:
            continue
        score.found += 1
        if forms & gold_keys:
            score.found_correct += 1
        else:
            score.extras.append(f"{number}: {entity.name} ({entity.type})")


def _role_matches(gold: dict[str, Any], person: str, title: str, organization: str | None) -> bool:
    if _key(gold["person"]) != _key(person):
        return False
    if _key(gold["title"]) not in _key(title) and _key(title) not in _key(gold["title"]):
        return False
    if "organization" not in gold:
        return True
    if organization is None:
        return False
    wanted, got = _key(gold["organization"]), _key(organization)
    # "Iraqi" names Iraq, "Canadian" Canada: compare the stems.
    return wanted[:4] in got or got in wanted


def _score_roles(score: KindScore, number: str, gold: list[dict[str, Any]], article: EnrichedArticle) -> None:
    found = [(e.name, r.title, r.organization) for e in article.entities for r in e.roles]
    score.gold += len(gold)
    score.found += len(found)
    for g in gold:
        if any(_role_matches(g, *f) for f in found):
            score.gold_found += 1
        else:
            score.misses.append(f"{number}: {g['person']} - {g['title']}")
    for f in found:
        if any(_role_matches(g, *f) for g in gold):
            score.found_correct += 1
        else:
            score.extras.append(f"{number}: {f[0]} - {f[1]} ({f[2]})")


def _score_quotes(score: KindScore, number: str, gold: list[dict[str, Any]], article: EnrichedArticle) -> None:
    def matches(g: dict[str, Any], q: Any) -> bool:
        return g["kind"] == q.kind and g["speaker"] == q.speaker and _key(g["text"]) in _key(q.text)

    score.gold += len(gold)
    score.found += len(article.quotes)
    for g in gold:
        if any(matches(g, q) for q in article.quotes):
            score.gold_found += 1
        else:
            score.misses.append(f"{number}: {g['text'][:40]}")
    for q in article.quotes:
        if any(matches(g, q) for g in gold):
            score.found_correct += 1
        else:
            score.extras.append(f"{number}: [{q.kind}, {q.speaker}] {q.text[:40]}")
