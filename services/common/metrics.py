"""Prometheus metrics and health probes of a stage worker, served on NEWSFLOW_METRICS_PORT.

/metrics: FastStream's own middleware metrics plus ours (articles per stage and outcome, stage
latency, ingest-to-stored latency, and, read from Redis at scrape time, the input stream's length,
pending and backlog and the DLQ size). /live fails when a subscriber loop has died (not only when
Redis is down); /ready fails while Redis or the stage's database is unreachable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from faststream.redis import RedisBroker
from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from .connection import REDIS_ERRORS, SyncRedis, sync_client
from .groups import downstream_groups
from .pipeline import STAGE_GROUPS
from .settings import RedisSettings
from .streamread import as_text, group_backlog

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)  # process_resident_memory_bytes and CPU: the worker's own footprint
ARTICLES = Counter(
    "newsflow_articles", "Articles handled, by stage and outcome (ok, dead_lettered, retry).",
    ["stage", "outcome"], registry=REGISTRY,
)  # fmt: skip
STAGE_SECONDS = Histogram(
    "newsflow_stage_seconds", "Time a stage spends on one article.", ["stage"], registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)  # fmt: skip
END_TO_END_SECONDS = Histogram(
    "newsflow_end_to_end_seconds", "From ingest to stored, per article.", registry=REGISTRY,
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)  # fmt: skip


class StreamCollector(Collector):
    """Stream length, pending and backlog of the stage's input (each partition), and the DLQ size,
    read when scraped."""

    def __init__(
        self, settings: RedisSettings, streams: list[str], group: str, downstream: Mapping[str, list[str]] | None = None
    ) -> None:
        self.settings, self.streams, self.group = settings, streams, group
        self.downstream = downstream or {}  # base name -> partitions: report subscribers' groups on these

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            client = sync_client(self.settings, socket_timeout=2)
        except REDIS_ERRORS:
            return  # the probe below says Redis is away; a scrape must not fail for it
        try:
            length = GaugeMetricFamily("newsflow_stream_length", "Entries in the stream.", labels=["stream"])
            pending = _gauge("newsflow_group_pending", "Entries delivered, not yet acknowledged.")
            backlog = _gauge("newsflow_group_backlog", "Entries pending or not yet read.")
            for stream in self.streams:
                length.add_metric([stream], int(client.xlen(stream)))
                waiting = group_backlog(client, stream, self.group)
                if waiting is not None:
                    delivered = next(int(g["pending"]) for g in client.xinfo_groups(stream)
                                     if as_text(g["name"]) == self.group)  # fmt: skip
                    pending.add_metric([stream, self.group], delivered)
                    backlog.add_metric([stream, self.group], waiting)
            length.add_metric([self.settings.stream_dlq], int(client.xlen(self.settings.stream_dlq)))
            yield length
            if backlog.samples:
                yield pending
                yield backlog
            yield from self._downstream(client)
        except REDIS_ERRORS:
            return
        finally:
            client.close()

    def _downstream(self, client: SyncRedis) -> Iterator[GaugeMetricFamily]:
        if not self.downstream:
            return
        groups = downstream_groups(client, self.downstream, STAGE_GROUPS, self.settings.stale_group_s)
        pending = _gauge("newsflow_downstream_pending", "A subscriber group's entries read, not acknowledged.")
        lag = _gauge("newsflow_downstream_lag", "A subscriber group's entries not yet read.")
        idle = _gauge("newsflow_downstream_idle_seconds", "Since a subscriber group was last read.")
        stale = _gauge("newsflow_downstream_stale", "1: idle past NEWSFLOW_STALE_GROUP_S, not holding back trimming.")
        for g in groups:
            labels = [g.stream, g.group]
            pending.add_metric(labels, g.pending)
            if g.lag is not None:
                lag.add_metric(labels, g.lag)
            if g.idle_s is not None:
                idle.add_metric(labels, g.idle_s)
            stale.add_metric(labels, int(g.stale))
        yield from (pending, lag, idle, stale)


def _gauge(name: str, doc: str) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, labels=["stream", "group"])


def subscribers_alive(broker: RedisBroker) -> bool:
    """Every subscriber still runs its read loop (FastStream stops one for good on some errors)."""
    subscribers = broker.subscribers
    return bool(subscribers) and all(
        sub.running and any(not task.done() for task in getattr(sub, "tasks", [])) for sub in subscribers
    )


def serve(port: int, live: Callable[[], bool], ready: Callable[[], bool]) -> ThreadingHTTPServer:
    """Start the probe and metrics server in a daemon thread."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/metrics":
                self._send(200, generate_latest(REGISTRY), "text/plain; version=0.0.4")
            elif self.path in ("/live", "/ready"):
                ok = (live if self.path == "/live" else ready)()
                self._send(200 if ok else 503, b"ok\n" if ok else b"failing\n", "text/plain")
            else:
                self._send(404, b"not found\n", "text/plain")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:  # scrapes every few seconds would flood the log
            pass

    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True, name="metrics").start()
    return server
