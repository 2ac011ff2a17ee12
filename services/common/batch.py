"""Batched consumption: many entries per read, one core call for all, one pipelined write.

A stage's new entries arrive in batches (one XREADGROUP of up to NEWSFLOW_READ_BATCH entries; a
short batch when fewer are waiting, so nothing waits for a batch to fill). Each entry is judged on
its own:
- its output is added to the next stream and the entry acknowledged, all in one pipeline;
- input no retry can fix (RejectedInput, or a body that is not the stage's input model) becomes a
  dead letter and is acknowledged, in the same pipeline;
- any other failure leaves the entry pending: the retry subscriber, one entry at a time through the
  dead-letter middleware that counts deliveries, runs it again after NEWSFLOW_RETRY_IDLE_MS.
So a batch never fails as a whole and one bad article never holds back or poisons the others.

With partitioned streams (partitions.py) both readers run on every partition of the input, and what
is read from partition p goes to partition p of the output: the same hash tag, so on a Redis Cluster
the outputs and the acks are keys of one slot, and their pipeline goes to one node, in order. There
the dead letters (one stream, in a slot of its own) are written before that pipeline.
"""

# No `from __future__ import annotations`: FastStream reads the retry handler's annotation at
# registration, and it is the `model` argument, a local name.

import json
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from faststream import AckPolicy, Context
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.message import RedisBatchStreamMessage
from pydantic import BaseModel, TypeAdapter, ValidationError

from .broker import group_stream, retry_stream
from .connection import AsyncRedis, async_client
from .deadletter import invalid_input_reason, make_dead_letter
from .envelope import DATA_FIELD, envelope
from .errors import RejectedInput
from .metrics import ARTICLES
from .partitions import partition_streams
from .settings import Settings

log = structlog.get_logger()

# What a core made of one input: the output to publish (a model, or a dict as-is), None (done,
# nothing to publish), or the exception that stopped it.
Outcome = BaseModel | dict[str, Any] | None | Exception
ProcessMany = Callable[[list[Any]], Awaitable[list[Outcome]]]


def each(handle: Callable[[Any], BaseModel | None]) -> ProcessMany:
    """A ProcessMany that runs `handle` on one input at a time, keeping each failure to its input."""

    async def process(items: list[Any]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for item in items:
            try:
                outcomes.append(handle(item))
            except Exception as error:  # returned, not swallowed: the batch handler acts on it
                outcomes.append(error)
        return outcomes

    return process


def consume_batches(
    broker: RedisBroker,
    settings: Settings,
    stage: str,
    stream: str,
    model: Any,
    out_stream: str | None,
    process: ProcessMany,
    out_model: Any = None,
) -> None:
    """Subscribe `process` to the stage's group: in batches for new entries, one by one for retries;
    on every partition of `stream`, each one's outputs going to the same partition of `out_stream`."""
    client = async_client(settings)
    sources = partition_streams(stream, settings)
    targets = partition_streams(out_stream, settings) if out_stream is not None else [None] * len(sources)
    for source, target in zip(sources, targets, strict=True):
        _consume_partition(broker, settings, stage, source, model, target, process, out_model, client)


def _consume_partition(
    broker: RedisBroker,
    settings: Settings,
    stage: str,
    stream: str,
    model: Any,
    out_stream: str | None,
    process: ProcessMany,
    out_model: Any,
    client: AsyncRedis,
) -> None:
    """Both readers on one partition `stream`; its outputs go to `out_stream`, the output's same partition."""
    adapter = TypeAdapter(model)

    # The batch reader stays out of the AsyncAPI document: the typed retry reader of the same group
    # describes the stream.
    @broker.subscriber(
        stream=group_stream(stream, stage, settings, batch=True), ack_policy=AckPolicy.MANUAL, include_in_schema=False
    )
    async def on_batch(bodies: list[Any], message: RedisBatchStreamMessage = Context()) -> None:
        ids: list[bytes] = message.raw_message["message_ids"]
        valid: list[tuple[bytes, Any]] = []
        letters: list[bytes] = []
        done: list[bytes] = []
        received = dict(zip(ids, bodies, strict=True))
        for entry_id, body in received.items():
            try:
                valid.append((entry_id, adapter.validate_python(body)))
            except ValidationError as error:
                letters.append(await _letter(stage, invalid_input_reason(stage, error), body))
                done.append(entry_id)
        outputs: list[bytes] = []
        outcomes = await process([item for _, item in valid]) if valid else []
        for (entry_id, _), outcome in zip(valid, outcomes, strict=True):
            if isinstance(outcome, RejectedInput):
                letters.append(await _letter(stage, outcome.reason, received[entry_id]))
                done.append(entry_id)
            elif isinstance(outcome, Exception):
                ARTICLES.labels(stage, "retry").inc()
                log.warning("failed; will retry", entry=entry_id.decode(), error=f"{type(outcome).__name__}: {outcome}")
            else:
                if outcome is not None and out_stream is not None:
                    outputs.append(await envelope(outcome))
                done.append(entry_id)
        async with client.pipeline(transaction=False) as pipe:
            for letter in letters:
                pipe.xadd(settings.stream_dlq, {DATA_FIELD: letter})
            if letters and settings.redis_cluster:
                # The DLQ is another slot, maybe on another node, and a cluster pipeline sends each node
                # its part at the same time: the letters are written first, in a round trip of their own.
                await pipe.execute()
            for entry in outputs:
                pipe.xadd(out_stream or "", {DATA_FIELD: entry})  # outputs only exist with a stream
            if done:
                pipe.xack(stream, stage, *done)
            # Letters and outputs first, acks last: a crash in between repeats work, it never loses an article.
            await pipe.execute()

    # Typed in and out, so the AsyncAPI document describes both streams with their models.
    async def on_retry(item: model) -> out_model:  # type: ignore[valid-type]
        (outcome,) = await process([item])
        if isinstance(outcome, Exception):
            raise outcome  # the dead-letter middleware counts the delivery: retry or dead letter
        return outcome

    handler = broker.subscriber(stream=retry_stream(stream, stage, settings), title=f"{stream}:{stage}")
    if out_stream is not None:
        handler(broker.publisher(stream=StreamSub(out_stream))(on_retry))
    else:
        handler(on_retry)


async def _letter(stage: str, reason: str, body: Any) -> bytes:
    ARTICLES.labels(stage, "dead_lettered").inc()
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    letter = make_dead_letter(stage, reason, payload)
    log.warning("dead-lettered", reason=letter.reason, article_id=letter.article_id, trace_id=letter.trace_id)
    return await envelope(letter)
