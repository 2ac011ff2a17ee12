"""The chaos test (2,000 articles unless NEWSFLOW_CHAOS_ARTICLES says otherwise: .ci/run uses 1,000;
`make chaos ARTICLES=10000` for the long one), and its Redis Cluster variant (400 articles, six
partitions, two masters SIGKILLed and replaced by replicas)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsflow_harness.corpus import CORPUS

pytestmark = pytest.mark.integration

ARTICLES = int(os.environ.get("NEWSFLOW_CHAOS_ARTICLES", "2000"))
CLUSTER_ARTICLES = int(os.environ.get("NEWSFLOW_CHAOS_CLUSTER_ARTICLES", "400"))


def run_chaos(tmp_path: Path, articles: int, *options: str) -> subprocess.CompletedProcess[str]:
    if not (CORPUS / "extraction-dev" / "html").is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "chaos", "--articles", str(articles), "--corpus", str(CORPUS),
         "--timeout", "1200", *options],
        cwd=tmp_path, capture_output=True, text=True, timeout=1400, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    return result


@pytest.mark.timeout(1500)
def test_nothing_is_lost_or_duplicated_while_workers_redis_and_postgres_fail(tmp_path: Path) -> None:
    result = run_chaos(tmp_path, ARTICLES)
    last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert last == f"sent={ARTICLES} stored={ARTICLES} lost=0 duplicated=0 dlq=0 phantom=0", last
    assert "SIGKILL Redis" in result.stdout and "stopping PostgreSQL" in result.stdout
    assert "PostgreSQL refusing writes" in result.stdout and "PostgreSQL writable again" in result.stdout


@pytest.mark.timeout(1500)
def test_on_a_redis_cluster_nothing_is_lost_or_duplicated_while_masters_fail_over(tmp_path: Path) -> None:
    result = run_chaos(tmp_path, CLUSTER_ARTICLES, "--cluster-partitions", "6")
    lines = result.stdout.strip().splitlines()
    expected = f"sent={CLUSTER_ARTICLES} stored={CLUSTER_ARTICLES} lost=0 duplicated=0 dlq=0 phantom=0"
    assert lines[-1] == expected, lines[-1]
    assert "stored without an event: 0" in result.stdout
    assert result.stdout.count("promoted") == 2 and result.stdout.count("rejoined as a replica") == 2
    assert "stopping PostgreSQL" in result.stdout
