from __future__ import annotations

import pytest

from newsflow_harness.evaluation.shingles import PageScore, score_page, shingles, summarise


def test_shingles_are_a_multiset_of_four_word_windows():
    assert shingles("a b c d e a b c d") == {
        ("a", "b", "c", "d"): 2,
        ("b", "c", "d", "e"): 1,
        ("c", "d", "e", "a"): 1,
        ("d", "e", "a", "b"): 1,
        ("e", "a", "b", "c"): 1,
    }
    assert shingles("Hi, there!") == {("Hi", "there"): 1}  # shorter than one shingle: itself
    assert shingles("  ...  ") == {}


def test_page_counts_are_normalised_to_one():
    score = score_page("one two three four five", "one two three four six")
    assert (score.tp, score.fp, score.fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert (score.precision, score.recall, score.exact) == (0.5, 0.5, False)


def test_identical_text_is_an_exact_match_whatever_the_punctuation():
    assert score_page("The cat, sat on the mat.", "The cat sat on the mat").exact
    assert score_page("", "").exact


def test_f1_comes_from_the_averaged_precision_and_recall():
    summary = summarise([PageScore(1.0, 0.0, 0.0), PageScore(0.5, 0.5, 0.0), PageScore(0.0, 0.0, 1.0)])
    precision, recall = (1 + 0.5 + 0) / 3, (1 + 1 + 0) / 3
    assert summary.precision == pytest.approx(precision)
    assert summary.recall == pytest.approx(recall)
    assert summary.f1 == pytest.approx(2 * precision * recall / (precision + recall))
    assert summary.exact == pytest.approx(1 / 3)
