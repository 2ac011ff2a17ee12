"""Partitioned streams: each stage stream split into NEWSFLOW_PARTITIONS streams, one hash slot each.

On a Redis Cluster one stream is one key, so one slot on one master. With P partitions the stream
`articles.raw` becomes `articles.raw.{p0-3}`, `articles.raw.{p1-0}`, ...: the part in braces is the
hash tag, the only part Redis hashes. The tag of partition p is `p<p>-<n>` with the smallest n whose
slot falls in the p-th of P equal shares of the 16384 slots, so the partitions spread over the masters
as evenly as `redis-cli --cluster create` spreads the slots. Every stream of partition p (raw, parsed,
enriched, stored) has the same tag, so one article's whole path lives in one slot on one master.

An article's partition is crc32(article_id) mod P, the same in every stage. Producers publish to the
base name (`articles.parsed`); `partition_router` (a FastStream middleware) sends the message to its
article's partition. Each stage worker reads every partition of its input in its consumer group
(`consume` subscribes once per partition), so replicas share all partitions and a partition whose
consumers died is taken over by the others (XAUTOCLAIM), as with one stream.

With P=1 on a single Redis the names stay `articles.raw` ... and nothing is routed: today's layout.
"""

from __future__ import annotations

import zlib
from collections.abc import Awaitable, Callable
from functools import cache
from itertools import count
from typing import Any

from faststream import BaseMiddleware
from redis.crc import REDIS_CLUSTER_HASH_SLOTS, key_slot

from .pipeline import stage_streams
from .settings import RedisSettings


@cache
def hash_tag(partition: int, partitions: int) -> str:
    """The hash tag of `partition`: its slot lies in the partition's share of the slot space."""
    low = partition * REDIS_CLUSTER_HASH_SLOTS // partitions
    high = (partition + 1) * REDIS_CLUSTER_HASH_SLOTS // partitions
    return next(tag for n in count() if low <= key_slot((tag := f"p{partition}-{n}").encode()) < high)


def partition_of(article_id: str, partitions: int) -> int:
    """The article's partition: stable across processes and stages (unlike Python's hash())."""
    return zlib.crc32(article_id.encode()) % partitions


def partition_streams(stream: str, settings: RedisSettings) -> list[str]:
    """Every partition of `stream`, in partition order; just `stream` when not partitioned."""
    if not settings.partitioned:
        return [stream]
    return [f"{stream}.{{{hash_tag(p, settings.partitions)}}}" for p in range(settings.partitions)]


def partition_stream(stream: str, article_id: str, settings: RedisSettings) -> str:
    """The partition of `stream` that `article_id` belongs to."""
    streams = partition_streams(stream, settings)
    return streams[partition_of(article_id, len(streams))]


def article_id_of(body: Any) -> str:
    """The id of the article a message carries: a model of ours, or a dict (a replayed dead letter's JSON).
    A StoryMerged carries none: its surviving story, by which the store partitions stories.merged."""
    key = "article_id" if _get(body, "article_id") is not None else "into_story_id"
    article_id = _get(body, key)
    # A message without an id (only a malformed dead letter being replayed) still needs a partition.
    return article_id if isinstance(article_id, str) else ""


def _get(body: Any, key: str) -> Any:
    return body.get(key) if isinstance(body, dict) else getattr(body, key, None)


def partition_router(settings: RedisSettings) -> type[BaseMiddleware]:
    """A broker middleware: a publish to a stage stream's base name goes to its article's partition."""
    routed = set(stage_streams(settings))

    class PartitionRouter(BaseMiddleware):
        async def publish_scope(self, call_next: Callable[[Any], Awaitable[Any]], cmd: Any) -> Any:
            if cmd.destination in routed:
                cmd.destination = partition_stream(cmd.destination, article_id_of(cmd.body), settings)
            return await call_next(cmd)

    return PartitionRouter
