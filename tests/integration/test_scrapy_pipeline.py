"""A Scrapy project sends its items to newsflow with two settings lines: a real spider run against a local
site, through newsflow_client's item pipeline, into a real ingest worker."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsflow_harness.local.servers import free_port
from newsflow_schemas import RawArticle
from services.common.connection import sync_client
from services.common.streamread import read_stream

from .conftest import API_KEY, Pipeline, pipeline_settings, run_pipeline

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).resolve().parents[1] / "ingest" / "fixtures"


@pytest.fixture(scope="module")
def ingest_only(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    tmp = tmp_path_factory.mktemp("scrapy")
    yield from run_pipeline(
        pipeline_settings(redis_url, f"sqlite:///{tmp}/unused.db"), tmp / "logs", stages=("ingest",)
    )


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(FIXTURES / "site")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(0.5)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait()


def test_a_spider_sends_its_items_through_the_pipeline(ingest_only: Pipeline, site: str, tmp_path: Path) -> None:
    settings = ingest_only.settings
    (tmp_path / "settings.py").write_text(
        'ITEM_PIPELINES = {"newsflow_client.scrapy.NewsflowPipeline": 800}\n'
        f'NEWSFLOW_URL = "http://{settings.ingest_host}:{settings.ingest_port}"\n'
    )
    spider = str(FIXTURES / "scrapy_spider.py")
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "runspider", spider, "-a", f"start={site}/index.html",
         "-s", "LOG_LEVEL=INFO", "-s", "ROBOTSTXT_OBEY=False"],
        cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "SCRAPY_SETTINGS_MODULE": "settings", "PYTHONPATH": str(tmp_path),
                           "NEWSFLOW_API_KEY": API_KEY},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    stats = result.stderr[result.stderr.index("Dumping Scrapy stats") :]
    assert "'newsflow/accepted': 3" in stats, stats
    binary = sync_client(settings)
    raws = list(read_stream(binary, settings.stream_raw, RawArticle))
    binary.close()
    assert sorted(r.url or "" for r in raws) == sorted(
        f"{site}/{name}" for name in ("tram-line.html", "flood-warning.html", "battery-study.html")
    )
    assert {r.content_type for r in raws} == {"html"}
    assert {a for r in raws for a in r.authors} == {"Maria Lindqvist", "Tom Okafor", "Priya Raman"}
    assert json.loads(raws[0].model_dump_json())["published_at"] is not None
