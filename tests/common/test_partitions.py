"""Partitioned stream names, an article's partition, and the router that sends a publish there."""

from __future__ import annotations

import asyncio
from collections import Counter

import redis
from faststream.redis import RedisBroker, TestRedisBroker
from redis.crc import REDIS_CLUSTER_HASH_SLOTS, key_slot

from newsflow_harness.local.cluster import LocalCluster
from newsflow_schemas import RawArticle
from services.common.partitions import partition_of, partition_router, partition_stream, partition_streams
from services.common.settings import Settings


def test_one_partition_on_one_redis_keeps_todays_names() -> None:
    settings = Settings()
    assert not settings.partitioned
    assert partition_streams("articles.raw", settings) == ["articles.raw"]
    assert partition_stream("articles.raw", "any-article", settings) == "articles.raw"


def test_on_a_cluster_even_one_partition_carries_a_hash_tag() -> None:
    assert partition_streams("articles.raw", Settings(redis_cluster=True)) == ["articles.raw.{p0-0}"]


def test_each_partition_hashes_into_its_own_share_of_the_slots() -> None:
    for partitions in (2, 3, 6, 16):
        streams = partition_streams("articles.parsed", Settings(partitions=partitions))
        slots = [key_slot(stream.encode()) for stream in streams]
        shares = [slot * partitions // REDIS_CLUSTER_HASH_SLOTS for slot in slots]
        assert shares == list(range(partitions)), (partitions, streams)


def test_every_stage_stream_of_a_partition_shares_its_slot() -> None:
    settings = Settings(partitions=6)
    for p in range(6):
        names = [partition_streams(s, settings)[p] for s in ("articles.raw", "articles.parsed", "articles.stored")]
        assert len({key_slot(name.encode()) for name in names}) == 1, names


def test_an_articles_partition_is_stable_and_articles_spread_over_all() -> None:
    ids = [f"{n:032x}" for n in range(600)]
    assert [partition_of(i, 6) for i in ids] == [partition_of(i, 6) for i in ids]
    assert partition_of("d0843fe57128311e3098486599d65f18", 6) == 4  # the same in every process, every release
    spread = Counter(partition_of(i, 6) for i in ids)
    assert set(spread) == set(range(6)) and min(spread.values()) > 60


def test_the_router_publishes_to_the_articles_partition_and_leaves_other_streams() -> None:
    settings = Settings(partitions=6)
    article = RawArticle(article_id="d0843fe57128311e3098486599d65f18", trace_id="t", content_type="text",
                         content="TEHRAN - A story.")  # fmt: skip
    broker = RedisBroker()
    broker.add_middleware(partition_router(settings))
    expected = partition_stream(settings.stream_raw, article.article_id, settings)
    received: list[str] = []

    @broker.subscriber(stream=expected)
    async def on_partition(raw: RawArticle) -> None:
        received.append(raw.article_id)

    @broker.subscriber(stream=settings.stream_dlq)
    async def on_dlq(body: dict) -> None:  # type: ignore[type-arg]
        received.append("dlq")

    async def scenario() -> None:
        async with TestRedisBroker(broker) as test_broker:
            await test_broker.publish(article, stream=settings.stream_raw)
            await test_broker.publish({"article_id": article.article_id}, stream=settings.stream_dlq)

    asyncio.run(scenario())
    assert received == [article.article_id, "dlq"]


def test_six_partitions_spread_over_the_three_masters(redis_cluster: LocalCluster) -> None:
    client = redis.Redis.from_url(redis_cluster.url, decode_responses=True)
    streams = partition_streams("articles.raw", Settings(partitions=6, redis_cluster=True))
    slots = [int(client.execute_command("CLUSTER", "KEYSLOT", stream)) for stream in streams]
    client.close()
    assert slots == [key_slot(stream.encode()) for stream in streams]  # our slot is the server's
    masters = Counter(redis_cluster.master_of_slot(slot) for slot in slots)
    assert sorted(masters.values()) == [2, 2, 2]
