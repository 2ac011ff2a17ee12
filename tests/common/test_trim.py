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


def trim_with_stale(redis_url: str, stream: str, stale_after_s: float) -> int:
    async def run() -> int:
        client = aioredis.Redis.from_url(redis_url)
        try:
            return await trim_stream(client, stream, 0, stale_after_s, frozenset({"deliver"}))
        finally:
            await client.aclose()

    return asyncio.run(run())


def test_a_stale_downstream_group_no_longer_holds_back_trimming(redis_url: str, stream_prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    stream = f"{stream_prefix}.stored"
    ids = [client.xadd(stream, {"n": i}) for i in range(4)]
    client.xgroup_create(stream, "deliver", id="$")  # the pipeline's own group: has read everything
    client.xgroup_create(stream, "abandoned", id="0")
    client.xreadgroup("abandoned", "gone-1", {stream: ">"}, count=1)  # one pending, three unread
    time.sleep(1.2)

    assert trim_with_stale(redis_url, stream, stale_after_s=3600) == 0  # idle 1 s: still waited for
    assert trim_with_stale(redis_url, stream, stale_after_s=1) == len(ids)  # idle past 1 s: stale
    assert client.xlen(stream) == 0


def test_the_pipelines_own_group_is_never_stale(redis_url: str, stream_prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    stream = f"{stream_prefix}.stored"
    client.xadd(stream, {"n": 0})
    client.xgroup_create(stream, "deliver", id="0")  # a stage's group, behind and idle
    time.sleep(1.2)

    assert trim_with_stale(redis_url, stream, stale_after_s=1) == 0
