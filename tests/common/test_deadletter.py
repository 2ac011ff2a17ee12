"""Dead-lettering on a real Redis: rejected and malformed input lands on the DLQ and is acked;
other errors stay pending for a retry."""

from __future__ import annotations

import asyncio

import redis
from faststream.redis import RedisBroker, StreamSub

from newsflow_schemas import DeadLetter, RawArticle
from services.common.deadletter import dead_letter_middleware
from services.common.errors import RejectedInput
from services.common.streamread import read_stream


def run_subscriber(redis_url: str, prefix: str, error: Exception, payload: object) -> None:
    async def scenario() -> None:
        broker = RedisBroker(redis_url, log_level=30)
        broker.add_middleware(dead_letter_middleware("parse", f"{prefix}.dlq"))

        @broker.subscriber(stream=StreamSub(f"{prefix}.in", group="parse", consumer="c1", polling_interval=20))
        async def handler(raw: RawArticle) -> None:
            raise error

        async with broker:
            await broker.start()
            await broker.publish(payload, stream=f"{prefix}.in")
            client = redis.Redis.from_url(redis_url)
            for _ in range(100):  # until the subscriber has read the entry
                groups = client.xinfo_groups(f"{prefix}.in")
                if groups and groups[0]["lag"] == 0:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)  # and handled it

    asyncio.run(scenario())


def pending(redis_url: str, stream: str) -> int:
    return redis.Redis.from_url(redis_url).xinfo_groups(stream)[0]["pending"]


RAW = {"article_id": "a1", "trace_id": "t1", "content": "x", "content_type": "text"}


def test_rejected_input_is_dead_lettered_with_its_reason_and_acked(redis_url: str, stream_prefix: str) -> None:
    run_subscriber(redis_url, stream_prefix, RejectedInput("no body found"), RAW)
    [letter] = read_stream(redis.Redis.from_url(redis_url), f"{stream_prefix}.dlq", DeadLetter)
    assert (letter.stage, letter.reason, letter.article_id, letter.trace_id) == (
        "parse",
        "no body found",
        "a1",
        "t1",
    )
    assert RawArticle.model_validate_json(letter.payload).article_id == "a1"
    assert pending(redis_url, f"{stream_prefix}.in") == 0


def test_a_message_not_matching_the_model_is_dead_lettered(redis_url: str, stream_prefix: str) -> None:
    run_subscriber(redis_url, stream_prefix, RuntimeError("unreachable"), {"article_id": "a2", "content": 5})
    [letter] = read_stream(redis.Redis.from_url(redis_url), f"{stream_prefix}.dlq", DeadLetter)
    assert letter.article_id == "a2"
    assert "does not match the parse input model" in letter.reason
    assert "trace_id" in letter.reason
    assert pending(redis_url, f"{stream_prefix}.in") == 0


def test_an_unexpected_error_is_not_dead_lettered_and_stays_pending(redis_url: str, stream_prefix: str) -> None:
    run_subscriber(redis_url, stream_prefix, ConnectionError("database down"), RAW)
    assert list(read_stream(redis.Redis.from_url(redis_url), f"{stream_prefix}.dlq", DeadLetter)) == []
    assert pending(redis_url, f"{stream_prefix}.in") == 1
