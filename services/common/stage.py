"""What each stage's app.py needs: settings, logging and a broker with dead-lettering, in one call."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import structlog
from faststream import FastStream
from faststream.redis import RedisBroker

from newsflow_schemas import Envelope

from .broker import FASTSTREAM_LOGGER, make_broker
from .deadletter import dead_letter_middleware
from .logging import configure_logging
from .settings import Settings


def setup_stage(stage: str) -> tuple[Settings, RedisBroker]:
    settings = Settings()
    configure_logging(stage, settings.log_format, settings.log_level)
    broker = make_broker(settings, stage)
    broker.add_middleware(dead_letter_middleware(stage, settings.stream_dlq))
    return settings, broker


def stage_app(broker: RedisBroker) -> FastStream:
    """The FastStream app around `broker`, logging through our handler like everything else."""
    return FastStream(broker, logger=logging.getLogger(FASTSTREAM_LOGGER))


@contextmanager
def article_context(message: Envelope) -> Iterator[None]:
    """Bind the article and trace ids to every log line written while handling `message`."""
    with structlog.contextvars.bound_contextvars(article_id=message.article_id, trace_id=message.trace_id):
        yield


def utcnow() -> datetime:
    return datetime.now(UTC)
