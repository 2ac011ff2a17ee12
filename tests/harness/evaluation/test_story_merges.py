"""The B-cubed and pairwise scores the story merge evaluation reports (harness evaluation/story_merges.py)."""

from __future__ import annotations

import pytest

from newsflow_harness.evaluation.story_merges import scores


def test_b_cubed_and_pairwise_on_a_split_event_and_a_false_merge() -> None:
    # One event {a, b, c} split into {a, b} and {c}: precise, two thirds of the pairs missing.
    split = scores({"a": "s1", "b": "s1", "c": "s2"}, {k: (1, "e") for k in "abc"})
    assert split.b3 == pytest.approx((1.0, 5 / 9, 2 * (5 / 9) / (1 + 5 / 9)))
    assert split.pairs == pytest.approx((1.0, 1 / 3, 0.5))
    assert split.stories == 2
    # Two events {a, b} and {c} in one story: complete, one pair of three right.
    merged = scores({"a": "s", "b": "s", "c": "s"}, {"a": (1, "e"), "b": (1, "e"), "c": (1, "f")})
    assert merged.b3[:2] == pytest.approx((5 / 9, 1.0))
    assert merged.pairs[:2] == pytest.approx((1 / 3, 1.0))
