"""The Grafana dashboard in deploy/ reads only metrics the workers export."""

from __future__ import annotations

import json
import re
from pathlib import Path

from services.common.metrics import REGISTRY

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana-dashboard.json"
# Exported by FastStream's Prometheus middleware (checked in tests/integration/test_metrics.py).
FASTSTREAM = {"faststream_received_messages_total"}
PROMQL_WORDS = {"sum", "by", "rate", "max", "histogram_quantile", "le", "stage", "outcome", "group", "stream",
                "app_name", "instance"}  # fmt: skip


def exported_names() -> set[str]:
    names = set(FASTSTREAM)
    for family in REGISTRY.collect():
        names.add(family.name)
        names.update(f"{family.name}{suffix}" for suffix in ("_total", "_bucket", "_sum", "_count"))
    # Read from Redis at scrape time, registered when a worker starts (tests/integration/test_metrics.py).
    return names | {"newsflow_stream_length", "newsflow_group_pending", "newsflow_group_backlog"}


def test_every_panel_queries_an_exported_metric() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    assert len(exprs) >= 8
    known = exported_names()
    for expr in exprs:
        words = set(re.findall(r"[a-z_][a-z0-9_]*", expr)) - PROMQL_WORDS - {"m"}
        assert words and words <= known, f"{expr}: unknown {words - known}"
