"""Replicas per stage vs throughput: the same burst through pipelines with more replicas, and how
evenly each stage's consumer group spread the articles over its replicas.

Per-replica counts come from the workers' own log lines ("parsed", "enriched", "stored" carry the
article id), one log file per replica, so they count what each process actually finished.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .pipeline import Pipeline, bench_settings, fresh_database

# (parse, enrich, store) replicas: one of each, then more where the profile says the time goes.
LAYOUTS: tuple[dict[str, int], ...] = (
    {"parse": 1, "enrich": 1, "store": 1},
    {"parse": 1, "enrich": 2, "store": 1},
    {"parse": 2, "enrich": 2, "store": 1},
    {"parse": 3, "enrich": 2, "store": 1},
    {"parse": 3, "enrich": 3, "store": 2},
)
_DONE_EVENT = {"parse": "parsed", "enrich": "enriched", "store": "stored"}


@dataclass
class Scaling:
    replicas: dict[str, int]
    per_second: float
    per_replica: dict[str, list[int]] = field(default_factory=dict)  # stage -> articles per replica


def run_scaling(redis_url: str, postgres_url: str, submissions: list[dict[str, Any]], log_root: Path) -> list[Scaling]:
    results = []
    for layout in LAYOUTS:
        log_dir = log_root / f"scaling-{uuid.uuid4().hex[:6]}"
        settings = bench_settings(redis_url, fresh_database(postgres_url)).model_copy(update={"log_level": "INFO"})
        pipeline = Pipeline(settings, log_dir, layout)
        try:
            burst = pipeline.burst([dict(item, url=f"{item['url']}/{log_dir.name}") for item in submissions])
        finally:
            pipeline.close()
        results.append(Scaling(layout, burst.per_second, _per_replica(log_dir)))
    return results


def _per_replica(log_dir: Path) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = {}
    for stage, event in _DONE_EVENT.items():
        for path in sorted(log_dir.glob(f"{stage}-*.log")):
            done = 0
            for line in path.read_text(errors="replace").splitlines():
                try:
                    done += json.loads(line).get("event") == event
                except ValueError:
                    continue  # a line that is not one of ours (a traceback)
            counts.setdefault(stage, []).append(done)
    return counts
