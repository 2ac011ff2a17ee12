"""Trimming on a real Redis: acknowledged old entries go, pending and unread ones stay."""

from __future__ import annotations

import asyncio
import time

import redis
import redis.asyncio as aioredis

from services.common.trim import trim_stream


def trim(redis_url: str, stream: str, retention_s: float = 0) -> int:
    async def run() -> int:
        client = aioredis.Redis.from_url(redis_url)
        try:
            return await trim_stream(client, stream, retention_s)
        finally:
            await client.aclose()

    return asyncio.run(run())


def test_only_acknowledged_entries_are_trimmed(redis_url: str, stream_prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    stream = f"{stream_prefix}.raw"
    ids = [client.xadd(stream, {"n": i}) for i in range(6)]
    client.xgroup_create(stream, "parse", id="0")
    read = client.xreadgroup("parse", "c1", {stream: ">"}, count=4)  # entries 0-3 delivered
    client.xack(stream, "parse", ids[0], ids[1], ids[3])  # entry 2 still pending, 4-5 unread
    time.sleep(0.01)  # retention 0 trims entries older than now: let this millisecond pass

    assert trim(redis_url, stream) == 2
    assert [entry_id for entry_id, _ in client.xrange(stream)] == ids[2:]
    assert len(read[0][1]) == 4


def test_every_group_holds_the_floor(redis_url: str, stream_prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    stream = f"{stream_prefix}.stored"
    ids = [client.xadd(stream, {"n": i}) for i in range(3)]
    for group in ("fast", "slow"):
        client.xgroup_create(stream, group, id="0")
    for entry_id, _ in client.xreadgroup("fast", "c", {stream: ">"})[0][1]:
        client.xack(stream, "fast", entry_id)

    assert trim(redis_url, stream) == 0  # "slow" has read nothing
    assert client.xlen(stream) == len(ids)


def test_recent_entries_are_kept_for_the_retention_time(redis_url: str, stream_prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    stream = f"{stream_prefix}.parsed"
    client.xadd(stream, {"n": 1})
    client.xgroup_create(stream, "enrich", id="$")  # everything already "read"

    assert trim(redis_url, stream, retention_s=3600) == 0
    assert trim(redis_url, stream, retention_s=0) == 1
