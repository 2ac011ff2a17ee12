"""Delivery on a real Redis: rejected and malformed input is dead-lettered at once and acked; other
errors are retried after retry_idle_ms and dead-lettered on the max_deliveries-th delivery."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import redis
from faststream.redis import RedisBroker

from newsflow_schemas import DeadLetter, RawArticle
from services.common.broker import group_stream, retry_stream
from services.common.deadletter import dead_letter_middleware, make_dead_letter
from services.common.errors import RejectedInput
from services.common.settings import Settings
from services.common.streamread import read_stream

RAW = {"article_id": "a1", "trace_id": "t1", "content": "x", "content_type": "text"}


def run_subscriber(
    redis_url: str, prefix: str, handle: Callable[[int], None], payload: object, seconds: float = 1.0, **limits: int
) -> int:
    """Run `handle(call_number)` as the parse handler on one published entry; return how often it ran."""
    settings = Settings(redis_url=redis_url, polling_interval_ms=20, **limits)
    calls = 0

    async def scenario() -> None:
        broker = RedisBroker(redis_url, log_level=10)
        broker.add_middleware(dead_letter_middleware("parse", f"{prefix}.dlq", settings.max_deliveries))

        # New entries, and entries pending past retry_idle_ms (XAUTOCLAIM), as a stage's retry reader has them.
        @broker.subscriber(stream=group_stream(f"{prefix}.in", "parse", settings))
        @broker.subscriber(stream=retry_stream(f"{prefix}.in", "parse", settings))
        @broker.publisher(stream=f"{prefix}.out")
        async def handler(raw: RawArticle) -> RawArticle:
            nonlocal calls
            calls += 1
            handle(calls)
            return raw

        async with broker:
            await broker.start()
            await broker.publish(payload, stream=f"{prefix}.in")
            await asyncio.sleep(seconds)

    asyncio.run(scenario())
    return calls


def fail_with(error: Exception, times: int = 1_000) -> Callable[[int], None]:
    def handle(call: int) -> None:
        if call <= times:
            raise error

    return handle


def letters(redis_url: str, prefix: str) -> list[DeadLetter]:
    return list(read_stream(redis.Redis.from_url(redis_url), f"{prefix}.dlq", DeadLetter))


def pending(redis_url: str, stream: str) -> int:
    return redis.Redis.from_url(redis_url).xinfo_groups(stream)[0]["pending"]


def out_entries(redis_url: str, prefix: str) -> int:
    return redis.Redis.from_url(redis_url).xlen(f"{prefix}.out")


def test_rejected_input_is_dead_lettered_with_its_reason_and_acked(redis_url: str, stream_prefix: str) -> None:
    calls = run_subscriber(redis_url, stream_prefix, fail_with(RejectedInput("no body found")), RAW)
    [letter] = letters(redis_url, stream_prefix)
    assert (letter.stage, letter.reason, letter.article_id, letter.trace_id) == ("parse", "no body found", "a1", "t1")
    assert RawArticle.model_validate_json(letter.payload).article_id == "a1"
    assert pending(redis_url, f"{stream_prefix}.in") == 0
    assert calls == 1


def test_a_message_not_matching_the_model_is_dead_lettered(redis_url: str, stream_prefix: str) -> None:
    run_subscriber(redis_url, stream_prefix, fail_with(RuntimeError("unreachable")), {"article_id": "a2", "content": 5})
    [letter] = letters(redis_url, stream_prefix)
    assert letter.article_id == "a2"
    assert "does not match the parse input model" in letter.reason
    assert "trace_id" in letter.reason
    assert pending(redis_url, f"{stream_prefix}.in") == 0


def test_an_outage_stays_pending_until_the_retry_time(redis_url: str, stream_prefix: str) -> None:
    calls = run_subscriber(redis_url, stream_prefix, fail_with(ConnectionError("database down")), RAW, 0.6)
    assert calls == 1  # retry_idle_ms (10 s by default) has not passed
    assert letters(redis_url, stream_prefix) == []
    assert pending(redis_url, f"{stream_prefix}.in") == 1


def test_a_failed_entry_is_retried_and_then_published_once(redis_url: str, stream_prefix: str) -> None:
    handle = fail_with(ConnectionError("database down"), times=2)
    calls = run_subscriber(redis_url, stream_prefix, handle, RAW, 2.5, retry_idle_ms=300, max_deliveries=5)
    assert calls == 3
    assert out_entries(redis_url, stream_prefix) == 1
    assert letters(redis_url, stream_prefix) == []
    assert pending(redis_url, f"{stream_prefix}.in") == 0


def test_an_entry_failing_on_every_delivery_is_dead_lettered_on_the_last(redis_url: str, stream_prefix: str) -> None:
    handle = fail_with(KeyError("bug"))
    calls = run_subscriber(redis_url, stream_prefix, handle, RAW, 3.0, retry_idle_ms=300, max_deliveries=3)
    assert calls == 3
    [letter] = letters(redis_url, stream_prefix)
    assert letter.reason == "failed 3 times, last with KeyError: 'bug'"
    assert letter.article_id == "a1"
    assert pending(redis_url, f"{stream_prefix}.in") == 0
    assert out_entries(redis_url, stream_prefix) == 0


def test_a_deeply_nested_body_can_still_be_dead_lettered() -> None:
    # json.loads raises RecursionError (not a ValueError) past ~1000 levels: the letter must still be made.
    payload = b"[" * 100_000 + b"]" * 100_000
    letter = make_dead_letter("parse", "unreadable", payload)
    assert (letter.reason, letter.article_id, len(letter.payload)) == ("unreadable", None, 200_000)
