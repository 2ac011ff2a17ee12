"""The scoring of `newsflow eval entities`: CoNLL reading, offsets and exact span+type counts."""

from __future__ import annotations

from newsflow_harness.evaluation.entities import NerScore, read_conll, spacy_spans

CONLL = """-DOCSTART- -X- O O

EU NNP I-NP I-ORG
rejects VBZ I-VP O
German JJ I-NP I-MISC
call NN I-NP O
Peter NNP I-NP I-PER
Blackburn NNP I-NP I-PER

BRUSSELS NNP I-NP I-LOC
Rome NNP I-NP I-LOC
Paris NNP I-NP B-LOC
-DOCSTART- -X- O O

Bonn NNP I-NP I-LOC
"""


def test_conll_documents_become_texts_with_gold_offsets_into_them() -> None:
    first, second = read_conll(CONLL.splitlines())
    assert first.text == "EU rejects German call Peter Blackburn\nBRUSSELS Rome Paris"
    spans = {(first.text[s:e], t) for s, e, t in first.gold}
    # MISC is kept in gold but never scored; B- splits two adjacent names of one type.
    assert spans == {
        ("EU", "ORG"),
        ("German", "MISC"),
        ("Peter Blackburn", "PER"),
        ("BRUSSELS Rome", "LOC"),
        ("Paris", "LOC"),
    }
    assert second.text == "Bonn" and {(s, e, t) for s, e, t in second.gold} == {(0, 4, "LOC")}


def test_only_exact_span_and_type_count_and_misc_is_ignored() -> None:
    score = NerScore()
    gold = {(0, 2, "ORG"), (3, 9, "MISC"), (10, 25, "PER"), (30, 34, "LOC")}
    found = {(0, 2, "ORG"), (3, 9, "LOC"), (10, 15, "PER"), (30, 34, "ORG")}
    score.add(gold, found)
    assert (score.types["ORG"].tp, score.types["ORG"].fp, score.types["ORG"].fn) == (1, 1, 0)
    assert (score.types["PER"].tp, score.types["PER"].fp, score.types["PER"].fn) == (0, 1, 1)
    assert (score.types["LOC"].tp, score.types["LOC"].fp, score.types["LOC"].fn) == (0, 1, 1)
    micro = score.micro
    assert (micro.tp, micro.fp, micro.fn) == (1, 3, 2)
    assert round(micro.f1, 4) == round(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3), 4)


def test_spacy_labels_map_to_conll_types_and_norp_is_dropped() -> None:
    found = spacy_spans([(0, 2, "PERSON"), (3, 5, "GPE"), (6, 8, "FAC"), (9, 11, "NORP"), (12, 14, "ORG")])
    assert found == {(0, 2, "PER"), (3, 5, "LOC"), (6, 8, "LOC"), (12, 14, "ORG")}
