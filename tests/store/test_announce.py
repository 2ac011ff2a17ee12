"""Announcing on a real Redis: one ArticleStored per article revision, however often the store retries."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import redis
from redis.crc import key_slot

from newsflow_harness.local.cluster import LocalCluster
from newsflow_schemas import ArticleStored, StoryMerged
from services.common.connection import sync_client
from services.common.partitions import partition_stream
from services.common.settings import Settings
from services.common.streamread import read_stream
from services.store.announce import MARKER_TTL_S, Announcer, MergeAnnouncer


def event(revision: int, article_id: str = "a1") -> ArticleStored:
    return ArticleStored(article_id=article_id, trace_id="t1", change="created" if revision == 1 else "updated",
                         revision=revision, title="Seed")  # fmt: skip


def announce_all(redis_url: str, stream: str, events: list[ArticleStored], **settings: object) -> list[bool]:
    async def run() -> list[bool]:
        announcer = Announcer(Settings(redis_url=redis_url, stream_stored=stream, **settings))  # type: ignore[arg-type]
        try:
            return [await announcer.announce(e) for e in events]
        finally:
            await announcer.close()

    return asyncio.run(run())


def test_a_revision_is_announced_once_and_the_next_one_again(redis_url: str, stream_prefix: str) -> None:
    stream = f"{stream_prefix}.stored"
    added = announce_all(redis_url, stream, [event(1), event(1), event(2), event(2)])

    assert added == [True, False, True, False]
    client = redis.Redis.from_url(redis_url)
    assert [(e.article_id, e.revision) for e in read_stream(client, stream, ArticleStored)] == [("a1", 1), ("a1", 2)]
    assert 0 < client.ttl(f"{stream}:announced:a1:1") <= MARKER_TTL_S
    client.delete(f"{stream}:announced:a1:1", f"{stream}:announced:a1:2")


def test_the_event_reads_back_as_faststream_wrote_it(redis_url: str, stream_prefix: str) -> None:
    stream = f"{stream_prefix}.stored"
    original = event(1).model_copy(update={"published_at": datetime(2026, 9, 7, tzinfo=UTC)})
    announce_all(redis_url, stream, [original])

    [read] = read_stream(redis.Redis.from_url(redis_url), stream, ArticleStored)
    assert read == original
    redis.Redis.from_url(redis_url).delete(f"{stream}:announced:a1:1")


def test_on_a_cluster_each_event_goes_to_its_partition_once_with_its_marker_in_the_same_slot(
    redis_cluster: LocalCluster,
) -> None:
    stream = f"test-{uuid.uuid4().hex[:10]}.stored"
    options = {"redis_cluster": True, "redis_cluster_nodes": redis_cluster.seed_nodes, "partitions": 6}
    settings = Settings(redis_url=redis_cluster.url, stream_stored=stream, **options)  # type: ignore[arg-type]
    articles = [f"{n:032x}" for n in range(12)]
    events = [event(revision, article) for article in articles for revision in (1, 1, 2)]

    added = announce_all(redis_cluster.url, stream, events, **options)

    assert added == [True, False, True] * len(articles)
    client = sync_client(settings)
    for article in articles:
        partition = partition_stream(stream, article, settings)
        assert [e.revision for e in read_stream(client, partition, ArticleStored) if e.article_id == article] == [1, 2]
        assert key_slot(f"{partition}:announced:{article}:1".encode()) == key_slot(partition.encode())
        assert client.exists(f"{partition}:announced:{article}:1") == 1
    assert len({partition_stream(stream, article, settings) for article in articles}) > 3  # spread, not one stream
    client.close()


def test_on_a_cluster_each_merge_goes_to_its_survivors_partition_once_with_its_marker_in_the_same_slot(
    redis_cluster: LocalCluster,
) -> None:
    stream = f"test-{uuid.uuid4().hex[:10]}.merged"
    options = {"redis_cluster": True, "redis_cluster_nodes": redis_cluster.seed_nodes, "partitions": 6}
    settings = Settings(redis_url=redis_cluster.url, stream_merged=stream, **options)  # type: ignore[arg-type]
    merges = [
        StoryMerged(
            merge_id=f"m{n}",
            story_id=f"{n:032x}",
            into_story_id=f"{n + 100:032x}",
            article_ids=[f"a{n}"],
            merged_at=datetime(2026, 3, 3, tzinfo=UTC),
            score=0.5,
        )
        for n in range(12)
    ]

    async def run() -> list[bool]:
        announcer = MergeAnnouncer(settings)
        try:
            return [await announcer.announce(m) for m in merges for _ in range(2)]  # each twice: a retried pass
        finally:
            await announcer.close()

    assert asyncio.run(run()) == [True, False] * len(merges)
    client = sync_client(settings)
    for merge in merges:
        partition = partition_stream(stream, merge.into_story_id, settings)
        assert [e.merge_id for e in read_stream(client, partition, StoryMerged)].count(merge.merge_id) == 1
        marker = f"{partition}:announced:{merge.merge_id}"
        assert key_slot(marker.encode()) == key_slot(partition.encode()) and client.exists(marker) == 1
    assert len({partition_stream(stream, m.into_story_id, settings) for m in merges}) > 3
    client.close()
