"""The batch reader's judging, without Redis: which entries are published, dead-lettered,
acknowledged or left pending for a retry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import TypeAdapter

from newsflow_schemas import RawArticle
from services.common.batch import admit, judge
from services.common.errors import RejectedInput
from services.common.pipeline import Outcome

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
ADAPTER = TypeAdapter(RawArticle)


def _raw(article_id: str) -> dict[str, Any]:
    return {"article_id": article_id, "trace_id": f"t-{article_id}", "content": "x", "content_type": "text"}


ENTRIES: dict[bytes, Any] = {
    b"1-0": _raw("a"),
    b"2-0": {"article_id": "b"},  # not a RawArticle
    b"3-0": _raw("c"),
    b"4-0": _raw("d"),
    b"5-0": _raw("e"),
}


def test_invalid_entries_are_dead_lettered_and_acknowledged_before_the_core_runs() -> None:
    valid, verdict = admit("parse", ADAPTER, ENTRIES, NOW)
    assert [entry_id for entry_id, _ in valid] == [b"1-0", b"3-0", b"4-0", b"5-0"]
    assert all(isinstance(item, RawArticle) for _, item in valid)
    (letter,) = verdict.letters
    assert (letter.stage, letter.article_id, letter.failed_at) == ("parse", "b", NOW)
    assert letter.reason.startswith("message does not match the parse input model: trace_id: Field required")
    assert verdict.done == [b"2-0"] and verdict.outputs == [] and verdict.retries == []


def test_outcomes_are_sorted_into_outputs_letters_acks_and_retries() -> None:
    valid, verdict = admit("parse", ADAPTER, ENTRIES, NOW)
    out = RawArticle.model_validate(_raw("A"))
    outcomes: list[Outcome] = [out, RejectedInput("nothing to parse"), RuntimeError("database away"), None]
    judge("parse", valid, outcomes, ENTRIES, verdict, NOW)
    assert verdict.outputs == [out]
    assert [(letter.article_id, letter.reason) for letter in verdict.letters][1:] == [("c", "nothing to parse")]
    # Published, rejected and done-with-nothing-to-publish are acknowledged; the failure is not.
    assert sorted(verdict.done) == [b"1-0", b"2-0", b"3-0", b"5-0"]
    assert verdict.retries == [(b"4-0", "RuntimeError: database away")]


def test_a_core_that_loses_an_outcome_fails_the_batch_instead_of_acknowledging_the_wrong_entries() -> None:
    valid, verdict = admit("parse", ADAPTER, ENTRIES, NOW)
    with pytest.raises(ValueError, match="returned 3 outcomes for 4 inputs"):
        judge("parse", valid, [None, None, None], ENTRIES, verdict, NOW)
