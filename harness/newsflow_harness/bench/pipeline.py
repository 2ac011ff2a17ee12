"""The four workers as separate processes on real Redis and PostgreSQL: sustained throughput, then
ingest-to-stored latency under an open-loop load at a fixed arrival rate."""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from newsflow_harness.local.servers import free_port
from newsflow_harness.local.workers import Workers
from services.common.settings import Settings, stream_names
from services.store.repository import Store, database_engine
from services.store.tables import articles

API_KEY = "bench-key"
BATCH = 10


@dataclass
class Throughput:
    articles: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


@dataclass
class Latency:
    rate: float
    articles: int
    p50_ms: float
    p95_ms: float
    p99_ms: float


def fresh_database(server_url: str) -> str:
    """An empty database of its own on the PostgreSQL server at `server_url`."""
    name = f"newsflow_bench_{uuid.uuid4().hex[:10]}"
    admin = database_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))  # a generated name, not input
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def bench_settings(redis_url: str, database_url: str, **extra: Any) -> Settings:
    return Settings(
        redis_url=redis_url,
        database_url=database_url,
        **stream_names(f"bench-{uuid.uuid4().hex[:8]}"),
        ingest_port=free_port(),
        ingest_api_keys=[API_KEY],
        log_format="json",
        log_level="WARNING",
        **extra,
    )


def wait_stored(store: Store, count: int, timeout: float) -> None:
    """Until the store holds `count` articles; TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while store.count() < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {store.count()} of {count} stored after {timeout:.0f} s")
        time.sleep(0.1)


class Pipeline:
    def __init__(self, settings: Settings, log_dir: Path, replicas: dict[str, int] | None = None) -> None:
        self.settings = settings
        self.workers = Workers(settings, log_dir)
        self.workers.start_all(replicas)
        self.store = Store(database_engine(settings.database_url))
        self.http = httpx.Client(
            base_url=f"http://127.0.0.1:{settings.ingest_port}", headers={"X-API-Key": API_KEY}, timeout=60
        )

    def close(self) -> None:
        self.http.close()
        self.workers.stop_all()
        self.store.engine.dispose()

    def submit(self, batch: list[dict[str, Any]]) -> None:
        response = self.http.post("/v1/articles:batch", json=batch)
        response.raise_for_status()

    def stored(self) -> int:
        return self.store.count()

    def wait_stored(self, count: int, timeout: float) -> None:
        wait_stored(self.store, count, timeout)

    def burst(self, submissions: list[dict[str, Any]], timeout: float = 1800) -> Throughput:
        """Everything at once; sustained rate from the first submit to the last article stored."""
        before = self.stored()
        started = time.monotonic()
        sender = threading.Thread(target=self._submit_all, args=(submissions,))
        sender.start()
        self.wait_stored(before + len(submissions), timeout)
        sender.join()
        return Throughput(len(submissions), time.monotonic() - started)

    def _submit_all(self, submissions: list[dict[str, Any]]) -> None:
        for batch in _batches(submissions, BATCH):
            self.submit(batch)

    def open_loop(self, submissions: list[dict[str, Any]], rate: float) -> Latency:
        """One article every 1/rate s, on schedule whether or not earlier ones are done."""
        before = self.stored()
        start = time.monotonic()
        for i, item in enumerate(submissions):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self.submit([item])
        self.wait_stored(before + len(submissions), timeout=600)
        urls = [item["url"] for item in submissions]
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(articles.c.ingested_at, articles.c.stored_at).where(articles.c.url.in_(urls))
            ).all()
        waits = sorted(1000 * (stored - ingested).total_seconds() for ingested, stored in rows)
        cuts = statistics.quantiles(waits, n=100, method="inclusive")
        return Latency(rate, len(waits), cuts[49], cuts[94], cuts[98])

    def peak_rss_mb(self) -> dict[str, float]:
        """Each worker's peak resident memory (VmHWM), by stage (the largest replica)."""
        return self._memory("VmHWM")

    def rss_mb(self) -> dict[str, float]:
        return self._memory("VmRSS")

    def _memory(self, field: str) -> dict[str, float]:
        by_stage: dict[str, float] = {}
        for worker in self.workers.running:
            status = Path(f"/proc/{worker.process.pid}/status").read_text()
            kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith(field))
            by_stage[worker.stage] = max(by_stage.get(worker.stage, 0.0), kb / 1024)
        return by_stage


def _batches(items: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
