"""The near-duplicate test set from the dev pages, and the floor the store's decision must keep on it."""

from __future__ import annotations

import random

import pytest

from newsflow_harness.corpus import CORPUS
from newsflow_harness.evaluation.duplicates import (
    FURNITURE,
    NEGATIVE_KINDS,
    POSITIVE_KINDS,
    DevPage,
    Pair,
    build_pairs,
    by_kind,
    counts,
    furnished,
    load_dev_pages,
    reordered,
    score_pairs,
    seed_texts,
    trimmed,
)
from services.store.duplicates import THRESHOLD


@pytest.fixture(scope="module")
def pages() -> list[DevPage]:
    if not (CORPUS / "extraction-dev").is_dir():
        pytest.skip(f"dev corpus not found at {CORPUS}")
    return load_dev_pages(CORPUS / "extraction-dev")


@pytest.fixture(scope="module")
def pairs(pages: list[DevPage]) -> list[Pair]:
    return build_pairs(pages, seed_texts(CORPUS / "seeds"))


def test_the_set_has_every_kind_of_copy_and_of_distinct_pair(pairs):
    kinds = {p.kind for p in pairs}
    assert kinds == set(POSITIVE_KINDS) | set(NEGATIVE_KINDS)
    assert sum(p.duplicate for p in pairs) >= 600
    assert sum(not p.duplicate for p in pairs) >= 400


def test_near_duplicate_decision_keeps_precision_and_recall_of_0_95_on_the_dev_pairs(pairs):
    scored = score_pairs(pairs)
    result = counts(scored, THRESHOLD)
    assert result.precision >= 0.95
    assert result.recall >= 0.95
    for kind, (total, right) in by_kind(scored).items():
        assert right / total >= 0.9, kind
    seeds = next(s for s in scored if s.pair.kind == "seeds")
    assert not seeds.decided()  # one story in two wordings is not a copy


def test_a_text_trimmed_by_a_fifth_keeps_four_fifths_of_its_words():
    text = " ".join(f"w{i}" for i in range(100))
    cut = trimmed(text, 0.2, random.Random(1)).split()
    assert len(cut) == 80
    assert " ".join(cut) in text


def test_furniture_surrounds_the_paragraphs_and_reordering_keeps_them():
    text = "First paragraph.\nSecond paragraph.\nThird paragraph."
    wrapped = furnished(text, random.Random(3), count=3)
    lines = wrapped.split("\n\n")
    assert len(lines) == 6
    assert sum(line in FURNITURE for line in lines) == 3
    assert "First paragraph.\n\nSecond paragraph.\n\nThird paragraph." in wrapped
    assert sorted(reordered(text, random.Random(3)).split("\n\n")) == sorted(text.splitlines())


def test_the_same_pages_and_seed_give_the_same_pairs(pages, pairs):
    assert build_pairs(pages, seed_texts(CORPUS / "seeds")) == pairs
    assert build_pairs(pages, seed_texts(CORPUS / "seeds"), seed=7) != pairs
