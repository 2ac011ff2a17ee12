"""Pure compute, one process: the parse, enrich and store cores in a loop, with no Redis."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from services.common.errors import RejectedInput
from services.enrich.core import enrich
from services.enrich.model import load_nlp
from services.ingest.core import admit, submission_from_json
from services.parse.core import parse
from services.store.core import to_rows
from services.store.repository import Store


@dataclass
class ComputeResult:
    articles: int
    seconds: float
    per_stage_ms: dict[str, float] = field(default_factory=dict)  # mean per article

    @property
    def per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


def run_compute(submissions: list[dict[str, Any]], store: Store, model: str) -> ComputeResult:
    """Each article through ingest's admit, parse, enrich, to_rows and the database upsert, timed per stage."""
    nlp = load_nlp(model)
    spent = dict.fromkeys(("ingest", "parse", "enrich", "store"), 0.0)
    done = 0
    started = time.perf_counter()
    for item in submissions:
        t0 = time.perf_counter()
        raw = admit(submission_from_json(item), uuid.uuid4().hex, datetime.now(UTC), 50_000_000)
        t1 = time.perf_counter()
        try:
            parsed = parse(raw)
        except RejectedInput:
            continue
        t2 = time.perf_counter()
        enriched = enrich(parsed, nlp, model)
        t3 = time.perf_counter()
        store.save(to_rows(enriched, datetime.now(UTC)))
        t4 = time.perf_counter()
        for stage, seconds in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            spent[stage] += seconds
        done += 1
    seconds = time.perf_counter() - started
    return ComputeResult(done, seconds, {k: 1000 * v / max(done, 1) for k, v in spent.items()})
