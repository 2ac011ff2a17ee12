"""Batched consumption on a real Redis with a real FastStream broker: each entry judged on its own."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import redis
from faststream.redis.parser.binary import BinaryMessageFormatV1

from newsflow_schemas import DeadLetter, RawArticle
from services.common.batch import consume_batches, each
from services.common.broker import make_broker
from services.common.envelope import add_all
from services.common.errors import RejectedInput
from services.common.settings import Settings, stream_names


def _article(article_id: str, content: str) -> RawArticle:
    return RawArticle(article_id=article_id, trace_id=f"t-{article_id}", content=content, content_type="text")


def _handle(raw: RawArticle) -> RawArticle:
    if raw.content == "reject":
        raise RejectedInput("nothing to parse")
    if raw.content == "boom":
        raise RuntimeError("database away")
    return raw.model_copy(update={"content": raw.content.upper()})


def _bodies(client: redis.Redis, stream: str) -> list[bytes]:
    return [BinaryMessageFormatV1.parse(fields[b"__data__"])[0] for _, fields in client.xrange(stream)]


def test_a_batch_publishes_the_good_dead_letters_the_bad_and_leaves_failures_pending(redis_url, stream_prefix):
    settings = Settings(redis_url=redis_url, read_batch=10, retry_idle_ms=60_000, **stream_names(stream_prefix))
    client = redis.Redis.from_url(redis_url)
    client.xgroup_create(settings.stream_raw, "parse", id="0", mkstream=True)
    inputs: list[Any] = [
        _article("a", "first"),
        _article("b", "reject"),
        {"article_id": "c"},  # not a RawArticle
        _article("d", "boom"),
        _article("e", "last"),
    ]

    async def run() -> None:
        import redis.asyncio as aioredis

        writer = aioredis.Redis.from_url(redis_url)
        await add_all(writer, settings.stream_raw, inputs)
        await writer.aclose()
        broker = make_broker(settings, "parse")
        consume_batches(
            broker, settings, "parse", settings.stream_raw, RawArticle, settings.stream_parsed, each(_handle)
        )
        async with broker:
            await broker.start()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and client.xlen(settings.stream_dlq) < 2:
                await asyncio.sleep(0.05)

    asyncio.run(run())

    out = [RawArticle.model_validate_json(body) for body in _bodies(client, settings.stream_parsed)]
    assert [(a.article_id, a.content) for a in out] == [("a", "FIRST"), ("e", "LAST")]
    letters = [DeadLetter.model_validate_json(body) for body in _bodies(client, settings.stream_dlq)]
    assert sorted((letter.article_id, letter.reason.split(":")[0]) for letter in letters) == [
        ("b", "nothing to parse"),
        ("c", "message does not match the parse input model"),
    ]
    pending = client.xpending_range(settings.stream_raw, "parse", min="-", max="+", count=10)
    assert len(pending) == 1  # "d" only: left for the retry reader, not acknowledged, not lost
    (entry,) = client.xrange(settings.stream_raw, min=pending[0]["message_id"], max=pending[0]["message_id"])
    assert b'"article_id":"d"' in BinaryMessageFormatV1.parse(entry[1][b"__data__"])[0]
