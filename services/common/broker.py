"""Broker factory and the consumer-group subscription every stage uses."""

from __future__ import annotations

import logging
import os
import socket

from faststream.redis import RedisBroker, StreamSub

from .settings import Settings

FASTSTREAM_LOGGER = "newsflow.faststream"  # not "faststream": that one has its own handler


def make_broker(settings: Settings, stage: str) -> RedisBroker:
    # FastStream logs through a stdlib logger that propagates to our structlog handler (one format).
    # Its per-message "Received/Processed" lines go at DEBUG: our own "parsed"/"stored" lines say more.
    # The client name lets `CLIENT LIST` tell which worker holds which connection.
    return RedisBroker(
        settings.redis_url,
        logger=logging.getLogger(FASTSTREAM_LOGGER),
        log_level=logging.DEBUG,
        client_name=client_name(settings, stage),
    )


def consumer_name(settings: Settings) -> str:
    """Unique per process, so replicas in one group never share a pending list."""
    return settings.consumer_name or f"{socket.gethostname()}-{os.getpid()}"


def client_name(settings: Settings, stage: str) -> str:
    return f"newsflow-{stage}-{consumer_name(settings)}"


def group_stream(stream: str, stage: str, settings: Settings) -> StreamSub:
    """Read `stream` in the consumer group named after `stage`."""
    return StreamSub(
        stream,
        group=stage,
        consumer=consumer_name(settings),
        polling_interval=settings.polling_interval_ms,
    )


def out_stream(stream: str, settings: Settings) -> StreamSub:
    return StreamSub(stream, maxlen=settings.stream_maxlen or None)
