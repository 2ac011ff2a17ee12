"""Running pipelines for integration tests: real worker processes on real Redis and a real database."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from newsflow_harness.local.servers import free_port
from newsflow_harness.local.workers import STAGES, Workers
from newsflow_schemas import ArticleStored
from services.common.connection import SyncRedis, sync_client
from services.common.partitions import partition_streams
from services.common.settings import Settings, stream_names
from services.common.streamread import backlog_of, read_stream
from services.store.repository import Store, database_engine

API_KEY = "integration-key"


@dataclass
class Pipeline:
    settings: Settings
    workers: Workers
    redis: SyncRedis

    @property
    def store(self) -> Store:
        return Store(database_engine(self.settings.database_url))

    def stored_events(self) -> list[ArticleStored]:
        """Every ArticleStored event, partition after partition."""
        binary = sync_client(self.settings)  # entries are binary FastStream envelopes
        try:
            return [
                e for s in self.partitions(self.settings.stream_stored) for e in read_stream(binary, s, ArticleStored)
            ]
        finally:
            binary.close()

    def partitions(self, stream: str) -> list[str]:
        return partition_streams(stream, self.settings)

    def submit(self, article: dict, path: str = "/v1/articles") -> httpx.Response:
        url = f"http://{self.settings.ingest_host}:{self.settings.ingest_port}{path}"
        return httpx.post(url, json=article, headers={"X-API-Key": API_KEY}, timeout=30)

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        logs = "\n".join(f"--- {w.log_path.name}\n{w.log_tail(1500)}" for w in self.workers.running)
        pytest.fail(f"timed out waiting for {what}\n{logs}")

    def wait_stored(self, article_ids: set[str]) -> None:
        store = self.store
        self.wait_for(lambda: store.existing_ids(list(article_ids)) == article_ids, f"{article_ids} stored")
        store.engine.dispose()

    def group_done(self, stream: str, group: str) -> bool:
        """The group has finished every partition of `stream`."""
        binary = sync_client(self.settings)  # XINFO STREAM holds binary entries
        try:
            return backlog_of(binary, self.partitions(stream), group) == 0
        finally:
            binary.close()


def pipeline_settings(redis_url: str, database_url: str) -> Settings:
    return Settings(
        redis_url=redis_url,
        database_url=database_url,
        **stream_names(f"test-{uuid.uuid4().hex[:10]}"),
        ingest_port=free_port(),
        ingest_api_keys=[API_KEY],
        log_format="json",
        polling_interval_ms=50,
    )


def run_pipeline(
    settings: Settings,
    log_dir: Path,
    replicas: dict[str, int] | None = None,
    stages: tuple[str, ...] = STAGES,
) -> Iterator[Pipeline]:
    workers = Workers(settings, log_dir)
    client = sync_client(settings, decode_responses=True)
    try:
        workers.start_all(replicas, stages)
        yield Pipeline(settings, workers, client)
    finally:
        workers.stop_all()
        prefix = settings.stream_raw.rsplit(".", 1)[0]
        keys = list(client.scan_iter(match=f"{prefix}.*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def pipeline(
    request: pytest.FixtureRequest, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pipeline]:
    """The four workers as processes; the store on PostgreSQL, then on the embedded SQLite default."""
    tmp = tmp_path_factory.mktemp(f"pipeline-{request.param}")
    if request.param == "postgresql":
        database_url = request.getfixturevalue("new_postgres_database")()
    else:
        database_url = f"sqlite:///{tmp}/newsflow.db"
    yield from run_pipeline(pipeline_settings(redis_url, database_url), tmp / "logs")
