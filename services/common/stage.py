"""What each stage's app.py needs: settings, logging and a broker with dead-lettering, in one call."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import redis.asyncio as aioredis
import structlog
from faststream import FastStream
from faststream.redis import RedisBroker
from faststream.redis.prometheus import RedisPrometheusMiddleware
from redis.exceptions import RedisError, ResponseError

from newsflow_schemas import Envelope

from .broker import FASTSTREAM_LOGGER, consumer_name, make_broker, redis_answers, stage_input
from .deadletter import dead_letter_middleware
from .logging import configure_logging
from .metrics import ARTICLES, REGISTRY, STAGE_SECONDS, StreamCollector, serve, subscribers_alive
from .settings import Settings
from .streamread import as_text
from .trim import trim_stream

log = structlog.get_logger()


def setup_stage(stage: str) -> tuple[Settings, RedisBroker]:
    settings = Settings()
    configure_logging(stage, settings.log_format, settings.log_level)
    broker = make_broker(settings, stage)
    broker.add_middleware(
        dead_letter_middleware(stage, settings.stream_dlq, settings.redis_url, settings.max_deliveries)
    )
    broker.add_middleware(RedisPrometheusMiddleware(registry=REGISTRY, app_name=stage))
    return settings, broker


def stage_app(
    broker: RedisBroker,
    settings: Settings,
    stage: str,
    also_trim: tuple[str, ...] = (),
    ready: Callable[[], bool] = lambda: True,
) -> FastStream:
    """The FastStream app around `broker`, logging through our handler like everything else.

    At start it creates the stage's group and, with NEWSFLOW_METRICS_PORT, serves /metrics, /live and
    /ready (`ready`: the stage's own dependencies beyond Redis); while it runs it trims the input
    stream (and `also_trim`).
    """
    app = FastStream(broker, logger=logging.getLogger(FASTSTREAM_LOGGER))
    trimming: list[asyncio.Task[None]] = []

    @app.on_startup
    async def create_group() -> None:
        await ensure_group(settings.redis_url, stage_input(settings, stage), stage)

    @app.after_startup
    async def serve_metrics() -> None:
        if settings.metrics_port:
            REGISTRY.register(
                StreamCollector(settings.redis_url, stage_input(settings, stage), stage, settings.stream_dlq)
            )
            serve(
                settings.metrics_port,
                lambda: subscribers_alive(broker),
                lambda: redis_answers(settings.redis_url) and ready(),
            )
            log.info("metrics and probes served", port=settings.metrics_port)

    @app.after_startup
    async def start_trimming() -> None:
        if settings.stream_retention_s:
            streams = (stage_input(settings, stage), *also_trim)
            trimming.append(asyncio.create_task(_trim_forever(settings, streams)))

    @app.on_shutdown
    async def stop_trimming() -> None:
        for task in trimming:
            task.cancel()

    @app.after_shutdown
    async def leave_group() -> None:
        await remove_consumer(settings.redis_url, stage_input(settings, stage), stage, consumer_name(settings))

    return app


async def remove_consumer(redis_url: str, stream: str, group: str, consumer: str) -> None:
    """Take this process's consumer out of the group when it holds nothing, so `status` lists live ones.

    One with pending entries stays: they are claimed from it later (XAUTOCLAIM) by a live consumer.
    """
    client = aioredis.Redis.from_url(redis_url)
    try:
        for info in await client.xinfo_consumers(stream, group):
            if as_text(info["name"]) == consumer and int(info["pending"]) == 0:
                await client.xgroup_delconsumer(stream, group, consumer)
    except RedisError as error:
        log.warning("consumer not removed from its group", error=str(error))
    finally:
        await client.aclose()


async def _trim_forever(settings: Settings, streams: tuple[str, ...]) -> None:
    client = aioredis.Redis.from_url(settings.redis_url)
    try:
        while True:
            await asyncio.sleep(settings.trim_interval_s)
            for stream in streams:
                try:
                    if removed := await trim_stream(client, stream, settings.stream_retention_s):
                        log.info("stream trimmed", stream=stream, removed=removed)
                except RedisError as error:  # Redis away for a moment: the next round trims
                    log.warning("stream not trimmed", stream=stream, error=str(error))
    finally:
        await client.aclose()


async def ensure_group(redis_url: str, stream: str, group: str) -> bool:
    """Create the stage's consumer group at the start of its stream; whether it had to be created.

    FastStream would create it at "$" (only entries added later), skipping what ingest wrote before
    the first worker of the stage started, or since a Redis restart without persistence.
    """
    client = aioredis.Redis.from_url(redis_url)
    try:
        await client.xgroup_create(stream, group, id="0", mkstream=True)
    except ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise
        return False
    finally:
        await client.aclose()
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
