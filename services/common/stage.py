"""What each stage's app.py needs: settings, logging and a broker with dead-lettering, in one call."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import redis.asyncio as aioredis
import structlog
from faststream import FastStream
from faststream.redis import RedisBroker
from redis.exceptions import ResponseError

from newsflow_schemas import Envelope

from .broker import FASTSTREAM_LOGGER, make_broker, stage_input
from .deadletter import dead_letter_middleware
from .logging import configure_logging
from .settings import Settings

log = structlog.get_logger()


def setup_stage(stage: str) -> tuple[Settings, RedisBroker]:
    settings = Settings()
    configure_logging(stage, settings.log_format, settings.log_level)
    broker = make_broker(settings, stage)
    broker.add_middleware(
        dead_letter_middleware(stage, settings.stream_dlq, settings.redis_url, settings.max_deliveries)
    )
    return settings, broker


def stage_app(broker: RedisBroker, settings: Settings, stage: str) -> FastStream:
    """The FastStream app around `broker`, logging through our handler like everything else."""
    app = FastStream(broker, logger=logging.getLogger(FASTSTREAM_LOGGER))

    @app.on_startup
    async def create_group() -> None:
        await ensure_group(settings.redis_url, stage_input(settings, stage), stage)

    return app


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
def article_context(message: Envelope) -> Iterator[None]:
    """Bind the article and trace ids to every log line written while handling `message`."""
    with structlog.contextvars.bound_contextvars(article_id=message.article_id, trace_id=message.trace_id):
        yield


def utcnow() -> datetime:
    return datetime.now(UTC)
