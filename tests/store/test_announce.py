"""Announcing on a real Redis: one ArticleStored per article revision, however often the store retries."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import redis

from newsflow_schemas import ArticleStored
from services.common.streamread import read_stream
from services.store.announce import MARKER_TTL_S, Announcer


def event(revision: int) -> ArticleStored:
    return ArticleStored(article_id="a1", trace_id="t1", change="created" if revision == 1 else "updated",
                         revision=revision, title="Seed")  # fmt: skip


def announce_all(redis_url: str, stream: str, events: list[ArticleStored]) -> list[bool]:
    async def run() -> list[bool]:
        announcer = Announcer(redis_url, stream)
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
