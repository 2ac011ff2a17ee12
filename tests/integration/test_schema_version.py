"""The store worker checks the schema revision at start: on a database the migration step has not
upgraded it exits, saying what to run; after `newsflow db upgrade` it starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newsflow_harness.local.workers import WorkerFailed, Workers, settings_env

from .conftest import pipeline_settings

pytestmark = pytest.mark.integration


def test_the_store_worker_refuses_a_database_without_the_schema_until_it_is_upgraded(
    redis_url: str, tmp_path: Path
) -> None:
    settings = pipeline_settings(redis_url, f"sqlite:///{tmp_path}/store.db")
    workers = Workers(settings, tmp_path / "logs")
    try:
        with pytest.raises(WorkerFailed, match=r"needs revision \w+: run `newsflow db upgrade`"):
            workers.start("store")

        upgrade = [sys.executable, "-m", "services.cli", "db", "upgrade"]
        done = subprocess.run(upgrade, env=settings_env(settings), capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        worker = workers.start("store")  # ready: consuming its input
        assert worker.process.poll() is None
    finally:
        workers.stop_all()
