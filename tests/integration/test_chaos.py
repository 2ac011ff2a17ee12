"""The chaos test in CI's form (2,000 articles; `make chaos ARTICLES=10000` for the long one)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
ARTICLES = int(os.environ.get("NEWSFLOW_CHAOS_ARTICLES", "2000"))


@pytest.mark.timeout(1500)
def test_nothing_is_lost_or_duplicated_while_workers_redis_and_postgres_fail(tmp_path: Path) -> None:
    if not (CORPUS / "extraction-dev" / "html").is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "chaos", "--articles", str(ARTICLES), "--corpus", str(CORPUS),
         "--timeout", "1200"],
        cwd=tmp_path, capture_output=True, text=True, timeout=1400, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    assert last == f"sent={ARTICLES} stored={ARTICLES} lost=0 duplicated=0 dlq=0", last
    assert "SIGKILL Redis" in result.stdout and "stopping PostgreSQL" in result.stdout
