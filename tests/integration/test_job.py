"""The main job (`newsflow run`) end to end, as a user runs it: a subprocess that must exit 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import redis

from newsflow_harness.corpus import CORPUS
from newsflow_harness.local.workers import settings_env

from .conftest import pipeline_settings

pytestmark = pytest.mark.integration
SEEDS = CORPUS / "seeds"


def test_run_stores_the_seeds_and_summarises(redis_url: str, tmp_path: Path) -> None:
    settings = pipeline_settings(redis_url, f"sqlite:///{tmp_path}/job.db")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "services.cli", "run", str(SEEDS), "--timeout", "120"],
            cwd=tmp_path, env={**settings_env(settings), "COLUMNS": "200"},
            capture_output=True, text=True, timeout=240,
        )  # fmt: skip
    finally:
        client = redis.Redis.from_url(redis_url)
        prefix = settings.stream_raw.rsplit(".", 1)[0]
        if keys := list(client.scan_iter(match=f"{prefix}.*")):
            client.delete(*keys)
        client.close()
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Ingest accepted 2 articles, rejected 0 files." in out
    assert "2 new, 0 updated, 0 unchanged" in out
    assert f"Store: 2 articles in sqlite:///{tmp_path}/job.db; stories: 1 (1 with several articles" in out
    assert "Kazem Gharibabadi" in out  # the sample article with its entities
    assert (tmp_path / "data" / "logs" / "store-0.log").exists()
