"""Broker factory and the consumer-group subscriptions every stage uses.

On a Redis Cluster (NEWSFLOW_REDIS_CLUSTER) the broker is FastStream's own `RedisClusterBroker`
(faststream.redis, since 0.7): it talks through redis-py's `RedisCluster`, so MOVED and ASK
redirections and failovers are followed; the plain `RedisBroker` connects to the one node of the URL
and fails with MovedError for every stream in another node's slots. Our subscriptions read one stream
each (XREADGROUP, XAUTOCLAIM) and publish single XADDs, which the cluster broker supports; it has no
pipelines, which newsflow does not use. So no consumer loop of our own is needed.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

import redis
from faststream.redis import RedisBroker, RedisClusterBroker, StreamSub

from .connection import seed_nodes
from .partitions import partition_router
from .settings import RedisSettings

FASTSTREAM_LOGGER = "newsflow.faststream"  # not "faststream": that one has its own handler


def make_broker(settings: RedisSettings, stage: str) -> RedisBroker:
    # FastStream logs through a stdlib logger that propagates to our structlog handler (one format).
    # Its per-message "Received/Processed" lines go at DEBUG: our own "parsed"/"stored" lines say more.
    # The client name lets `CLIENT LIST` tell which worker holds which connection.
    options: dict[str, Any] = {
        "logger": logging.getLogger(FASTSTREAM_LOGGER),
        "log_level": logging.DEBUG,
        "client_name": client_name(settings, stage),
        "graceful_timeout": settings.graceful_timeout_s,
    }
    if settings.redis_cluster:
        broker: RedisBroker = RedisClusterBroker(settings.redis_url, startup_nodes=seed_nodes(settings), **options)
    else:
        broker = RedisBroker(settings.redis_url, **options)
    if settings.partitioned:
        broker.add_middleware(partition_router(settings))
    return broker


def consumer_name(settings: RedisSettings) -> str:
    """Unique per process, so replicas in one group never share a pending list."""
    return settings.consumer_name or f"{socket.gethostname()}-{os.getpid()}"


def client_name(settings: RedisSettings, stage: str) -> str:
    return f"newsflow-{stage}-{consumer_name(settings)}"


def group_stream(stream: str, stage: str, settings: RedisSettings, batch: bool = False) -> StreamSub:
    """New entries of `stream` in the consumer group named after `stage`, a few at a time (with
    `batch`, handed to the handler as one list).

    With P partitions a worker reads P streams at once, so each read takes read_batch / P entries: the
    entries in hand stay about read_batch, and none waits in a worker past retry_idle_ms to be claimed
    and run a second time by another.
    """
    return StreamSub(
        stream,
        group=stage,
        consumer=consumer_name(settings),
        polling_interval=settings.polling_interval_ms,
        max_records=max(1, settings.read_batch // settings.partitions),
        batch=batch,
    )


def retry_stream(stream: str, stage: str, settings: RedisSettings) -> StreamSub:
    """Entries of the group pending longer than retry_idle_ms, whoever held them (XAUTOCLAIM)."""
    return StreamSub(
        stream,
        group=stage,
        consumer=consumer_name(settings),
        polling_interval=settings.polling_interval_ms,
        min_idle_time=settings.retry_idle_ms,
    )


def redis_answers(url: str) -> bool:
    """Whether a Redis server answers PING at `url` within a second or two."""
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        return False
    finally:
        client.close()
