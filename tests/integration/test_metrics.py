"""A worker's /metrics, /live and /ready on a real pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from newsflow_harness.local.servers import free_port

from .conftest import Pipeline, pipeline_settings, run_pipeline

pytestmark = pytest.mark.integration


@pytest.fixture
def parse_with_metrics(redis_url: str, tmp_path: Path) -> Iterator[Pipeline]:
    settings = pipeline_settings(redis_url, f"sqlite:///{tmp_path}/unused.db").model_copy(
        update={"metrics_port": free_port()}
    )
    pipelines = run_pipeline(settings, tmp_path / "logs", stages=("parse", "ingest"))
    yield next(pipelines)
    next(pipelines, None)


def metric(text: str, name: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(name + " ") or (line.startswith(name + "{") and line.split(" ")[0] == name):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_metrics_count_articles_and_probes_answer(parse_with_metrics: Pipeline) -> None:
    base = f"http://127.0.0.1:{parse_with_metrics.settings.metrics_port}"
    stream = parse_with_metrics.settings.stream_raw
    assert parse_with_metrics.submit({"text": "TEHRAN - A story to count."}).status_code == 202
    assert parse_with_metrics.submit({"text": ""}).status_code == 422  # never reaches parse
    parse_with_metrics.wait_for(lambda: parse_with_metrics.group_done(stream, "parse"), "the article parsed")

    text = httpx.get(f"{base}/metrics", timeout=5).text

    assert metric(text, 'newsflow_articles_total{outcome="ok",stage="parse"}') == 1.0
    assert metric(text, f'newsflow_stream_length{{stream="{stream}"}}') == 1.0
    assert metric(text, f'newsflow_group_backlog{{group="parse",stream="{stream}"}}') == 0.0
    assert "faststream_received_messages_total" in text  # FastStream's own middleware
    assert "newsflow_stage_seconds_bucket" in text
    assert (metric(text, "process_resident_memory_bytes") or 0) > 10_000_000
    assert httpx.get(f"{base}/live", timeout=5).status_code == 200
    assert httpx.get(f"{base}/ready", timeout=5).status_code == 200
    assert httpx.get(f"{base}/nothing", timeout=5).status_code == 404
