"""The product's wheel holds what the image runs and nothing that measures it; the harness's wheel
holds the evaluation's annotations, and `newsflow eval` works from it installed outside the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from newsflow_harness.corpus import CORPUS

REPO = Path(__file__).resolve().parents[2]
PRODUCT = ("pyproject.toml", "README.md", "services")
HARNESS = ("pyproject.toml", "newsflow_harness")


SKIP = shutil.ignore_patterns("__pycache__", "build", "*.egg-info", "node_modules")


def build_wheel(project: Path, out: Path, parts: tuple[str, ...]) -> Path:
    """Build from a copy of the project's `parts`: setuptools writes build/ and egg-info where it builds."""
    source = out / "source"
    for part in parts:
        if (project / part).is_dir():
            shutil.copytree(project / part, source / part, ignore=SKIP)
        else:
            source.mkdir(parents=True, exist_ok=True)
            shutil.copy2(project / part, source / part)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("*.whl")
    return wheel


def test_product_wheel_holds_no_harness_code(tmp_path: Path) -> None:
    names = zipfile.ZipFile(build_wheel(REPO, tmp_path, PRODUCT)).namelist()
    assert any(n.startswith("services/parse/") for n in names)
    assert any(n.startswith("services/api/static/") for n in names)
    measuring = [n for n in names if n.split("/")[1:2] in (["bench"], ["local"], ["evaluation"])]
    assert measuring == []
    assert not any(n.startswith(("newsflow_harness/", "tests/")) for n in names)


def test_installed_harness_evaluates_outside_the_checkout(tmp_path: Path) -> None:
    if not (CORPUS / "seeds").is_dir():
        pytest.skip(f"seed corpus not found at {CORPUS}")
    wheel = build_wheel(REPO / "harness", tmp_path / "wheel", HARNESS)
    names = zipfile.ZipFile(wheel).namelist()
    assert "newsflow_harness/evaluation/annotations/seeds-enrichment.json" in names
    assert not any(n.startswith("services/") for n in names)

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "NEWSFLOW_CORPUS": str(CORPUS.resolve())}
    where = subprocess.run(
        [sys.executable, "-c", "import newsflow_harness.evaluation.enrichment as m; print(m.GOLD)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.strip().startswith(str(target))
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "eval", "enrichment"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "person" in result.stdout and "quote" in result.stdout
