"""A stream stage's worker built from its entry in the pipeline table (build_app), and what its
handlers share: the article's log context and metrics, the clock."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import structlog
from faststream import FastStream
from faststream.redis.prometheus import RedisPrometheusMiddleware
from redis.exceptions import ResponseError

from newsflow_schemas import Envelope

from .batch import consume_stage
from .broker import FASTSTREAM_LOGGER, consumer_name, make_broker
from .connection import REDIS_ERRORS, AsyncRedis, async_client, redis_reachable
from .deadletter import dead_letter_middleware
from .logging import configure_logging
from .metrics import ARTICLES, REGISTRY, STAGE_SECONDS, StreamCollector, serve, subscribers_alive
from .partitions import partition_streams
from .pipeline import STAGE_GROUPS, StageRuntime, StageSpec
from .settings import RedisSettings, Settings
from .streamread import as_text
from .trim import trim_stream

log = structlog.get_logger()


def build_app(spec: StageSpec, settings: Settings) -> FastStream:
    """A stream stage's worker: its broker (dead-lettering, metrics) with the stage's handlers
    subscribed, and its life cycle, all from the pipeline table's entry and the settings.

    At start it creates the stage's group (on every partition of each input), runs the stage's own
    start-up hooks and, with NEWSFLOW_METRICS_PORT, serves /metrics, /live and /ready; while it runs
    it trims its input streams (and its output, for the last stage), every partition.
    """
    configure_logging(spec.name, settings.log_format, settings.log_level)
    broker = make_broker(settings, spec.name)
    broker.add_middleware(dead_letter_middleware(spec.name, settings.stream_dlq, settings.max_deliveries))
    broker.add_middleware(RedisPrometheusMiddleware(registry=REGISTRY, app_name=spec.name))
    runtime: StageRuntime = spec.builder()(settings)
    consume_stage(broker, settings, spec, runtime.process)

    app = FastStream(broker, logger=logging.getLogger(FASTSTREAM_LOGGER))
    trimming: list[asyncio.Task[None]] = []
    inputs = [stream for base in spec.input_streams(settings) for stream in partition_streams(base, settings)]
    trimmed = inputs + (partition_streams(spec.output_stream(settings), settings) if spec.trims_output else [])

    @app.on_startup
    async def create_group() -> None:
        client = async_client(settings)
        try:
            for stream in inputs:
                await ensure_group(client, stream, spec.name)
        finally:
            await client.aclose()

    for hook in runtime.on_startup:
        app.on_startup(hook)

    @app.after_startup
    async def serve_metrics() -> None:
        if settings.metrics_port:
            # Subscribers' groups on the streams this worker trims: the ones trimming may stop waiting for.
            watched = spec.input_streams(settings) + ([spec.output_stream(settings)] if spec.trims_output else [])
            downstream = {base: partition_streams(base, settings) for base in watched}
            REGISTRY.register(StreamCollector(settings, inputs, spec.name, downstream))
            serve(
                settings.metrics_port,
                lambda: subscribers_alive(broker),
                lambda: redis_reachable(settings) and runtime.ready(),
            )
            log.info("metrics and probes served", port=settings.metrics_port)

    @app.after_startup
    async def start_trimming() -> None:
        if settings.stream_retention_s:
            trimming.append(asyncio.create_task(_trim_forever(settings, tuple(trimmed))))

    @app.on_shutdown
    async def stop_trimming() -> None:
        for task in trimming:
            task.cancel()

    for hook in runtime.on_shutdown:
        app.on_shutdown(hook)

    @app.after_shutdown
    async def leave_group() -> None:
        client = async_client(settings)
        try:
            for stream in inputs:
                await remove_consumer(client, stream, spec.name, consumer_name(settings))
        finally:
            await client.aclose()

    return app


async def remove_consumer(client: AsyncRedis, stream: str, group: str, consumer: str) -> None:
    """Take this process's consumer out of the group when it holds nothing, so `status` lists live ones.

    One with pending entries stays: they are claimed from it later (XAUTOCLAIM) by a live consumer.
    """
    try:
        for info in await client.xinfo_consumers(stream, group):
            if as_text(info["name"]) == consumer and int(info["pending"]) == 0:
                await client.xgroup_delconsumer(stream, group, consumer)
    except REDIS_ERRORS as error:
        log.warning("consumer not removed from its group", error=str(error))


async def _trim_forever(settings: RedisSettings, streams: tuple[str, ...]) -> None:
    client = async_client(settings)
    try:
        while True:
            await asyncio.sleep(settings.trim_interval_s)
            for stream in streams:
                try:
                    retention, stale = settings.stream_retention_s, settings.stale_group_s
                    if removed := await trim_stream(client, stream, retention, stale, STAGE_GROUPS):
                        log.info("stream trimmed", stream=stream, removed=removed)
                except REDIS_ERRORS as error:  # Redis away for a moment (or failing over): the next round trims
                    log.warning("stream not trimmed", stream=stream, error=str(error))
    finally:
        await client.aclose()


async def ensure_group(client: AsyncRedis, stream: str, group: str) -> bool:
    """Create the stage's consumer group at the start of its stream; whether it had to be created.

    FastStream would create it at "$" (only entries added later), skipping what ingest wrote before
    the first worker of the stage started, or since a Redis restart without persistence.
    """
    try:
        await client.xgroup_create(stream, group, id="0", mkstream=True)
    except ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise
        return False
    log.info("consumer group created", stream=stream, group=group)
    return True


@contextmanager
def article_context(message: Envelope, seconds: float | None = None) -> Iterator[None]:
    """Bind the article and trace ids to every log line written while handling `message`; count and
    time the article when the handler finishes (failures are counted where they are handled).

    `seconds`: the article's share of a batch's time, when the work was done for a whole batch.
    """
    stage = structlog.contextvars.get_contextvars().get("stage", "unknown")
    started = time.perf_counter()
    with structlog.contextvars.bound_contextvars(article_id=message.article_id, trace_id=message.trace_id):
        yield
    STAGE_SECONDS.labels(stage).observe(seconds if seconds is not None else time.perf_counter() - started)
    ARTICLES.labels(stage, "ok").inc()


def utcnow() -> datetime:
    return datetime.now(UTC)
