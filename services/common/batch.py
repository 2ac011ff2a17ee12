"""Batched consumption: many entries per read, one core call for all, one pipelined write.

A stage's new entries arrive in batches (one XREADGROUP of up to NEWSFLOW_READ_BATCH entries; a
short batch when fewer are waiting, so nothing waits for a batch to fill). Each entry is judged on
its own:
- its output is added to the next stream and the entry acknowledged, all in one pipeline;
- input no retry can fix (RejectedInput, a body that is not the stage's input model, or an entry that
  cannot be read at all, see entries.py) becomes a dead letter and is acknowledged, in the same pipeline;
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from faststream import AckPolicy, Context
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.message import RedisBatchStreamMessage
from pydantic import BaseModel, TypeAdapter, ValidationError

from newsflow_schemas import DeadLetter

from .broker import group_stream, retry_stream
from .connection import AsyncRedis, async_client
from .deadletter import invalid_input_reason, make_dead_letter
from .entries import tolerant_parser, unreadable
from .envelope import DATA_FIELD, envelope
from .errors import RejectedInput
from .metrics import ARTICLES
from .partitions import partition_streams
from .pipeline import Outcome, ProcessMany, StageSpec
from .settings import RedisSettings

log = structlog.get_logger()


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


@dataclass
class Verdict:
    """What to do with a batch's entries: publish these outputs, dead-letter these letters and
    acknowledge these entries (all in one pipeline), and leave the retries pending."""

    outputs: list[BaseModel | dict[str, Any]] = field(default_factory=list)
    letters: list[DeadLetter] = field(default_factory=list)
    done: list[bytes] = field(default_factory=list)
    retries: list[tuple[bytes, str]] = field(default_factory=list)  # entry id, why it failed


def admit(stage: str, adapter: TypeAdapter[Any], entries: dict[bytes, Any], now: datetime) -> tuple[
    list[tuple[bytes, Any]], Verdict
]:  # fmt: skip
    """The entries that are the stage's input model, and a verdict dead-lettering the others."""
    valid: list[tuple[bytes, Any]] = []
    verdict = Verdict()
    for entry_id, body in entries.items():
        if (stand_in := unreadable(body)) is not None:
            why, payload = stand_in
            verdict.letters.append(make_dead_letter(stage, f"unreadable entry: {why}", payload.encode(), now))
            verdict.done.append(entry_id)
            continue
        try:
            valid.append((entry_id, adapter.validate_python(body)))
        except ValidationError as error:
            verdict.letters.append(_letter(stage, invalid_input_reason(stage, error), body, now))
            verdict.done.append(entry_id)
    return valid, verdict


def judge(
    stage: str,
    valid: list[tuple[bytes, Any]],
    outcomes: list[Outcome],
    entries: dict[bytes, Any],
    verdict: Verdict,
    now: datetime,
) -> Verdict:
    """Sort the core's outcomes for the valid entries into `verdict`: outputs (acknowledged), input no
    retry can fix (dead-lettered, acknowledged), and failures (left pending for a retry)."""
    if len(outcomes) != len(valid):
        raise ValueError(f"the {stage} core returned {len(outcomes)} outcomes for {len(valid)} inputs")
    for (entry_id, _), outcome in zip(valid, outcomes, strict=True):
        if isinstance(outcome, RejectedInput):
            verdict.letters.append(_letter(stage, outcome.reason, entries[entry_id], now))
            verdict.done.append(entry_id)
        elif isinstance(outcome, Exception):
            verdict.retries.append((entry_id, f"{type(outcome).__name__}: {outcome}"))
        else:
            if outcome is not None:
                verdict.outputs.append(outcome)
            verdict.done.append(entry_id)
    return verdict


def _letter(stage: str, reason: str, body: Any, now: datetime) -> DeadLetter:
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    return make_dead_letter(stage, reason, payload, now)


def consume_stage(broker: RedisBroker, settings: RedisSettings, spec: StageSpec, process: ProcessMany) -> None:
    """Subscribe a stage's batch handler to its inputs (each with its model), as the pipeline table
    describes them."""
    output = None if spec.writes_output_itself else spec.output
    for stream in spec.inputs:
        consume_batches(
            broker,
            settings,
            group=spec.name,
            stream=stream.name(settings),
            model=stream.model,
            out_stream=output.name(settings) if output else None,
            out_model=output.model if output else None,
            process=process,
        )


def consume_batches(
    broker: RedisBroker,
    settings: RedisSettings,
    *,
    group: str,
    stream: str,
    model: Any,
    out_stream: str | None,
    process: ProcessMany,
    out_model: Any = None,
) -> None:
    """Subscribe `process` to `group` on `stream`: in batches for new entries, one by one for retries;
    on every partition of `stream`, each one's outputs going to the same partition of `out_stream`."""
    client = async_client(settings)
    sources = partition_streams(stream, settings)
    targets: Iterable[str | None] = (
        partition_streams(out_stream, settings) if out_stream is not None else [None] * len(sources)
    )
    for source, target in zip(sources, targets, strict=True):
        _consume_partition(broker, settings, group, source, model, target, process, out_model, client)


def _consume_partition(
    broker: RedisBroker,
    settings: RedisSettings,
    group: str,
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
        stream=group_stream(stream, group, settings, batch=True),
        ack_policy=AckPolicy.MANUAL,
        include_in_schema=False,
        parser=tolerant_parser,
    )
    async def on_batch(bodies: list[Any], message: RedisBatchStreamMessage = Context()) -> None:
        entries = dict(zip(message.raw_message["message_ids"], bodies, strict=True))
        valid, verdict = admit(group, adapter, entries, datetime.now(UTC))
        outcomes = await process([item for _, item in valid]) if valid else []
        judge(group, valid, outcomes, entries, verdict, datetime.now(UTC))
        _report(group, verdict)
        await _write(client, settings, verdict, stream, group, out_stream)

    # Typed in and out, so the AsyncAPI document describes both streams with their models.
    async def on_retry(item: model) -> out_model:  # type: ignore[valid-type]
        (outcome,) = await process([item])
        if isinstance(outcome, Exception):
            raise outcome  # the dead-letter middleware counts the delivery: retry or dead letter
        return outcome

    handler = broker.subscriber(
        stream=retry_stream(stream, group, settings), title=f"{stream}:{group}", parser=tolerant_parser
    )
    if out_stream is not None:
        handler(broker.publisher(stream=StreamSub(out_stream))(on_retry))
    else:
        handler(on_retry)


def _report(stage: str, verdict: Verdict) -> None:
    for letter in verdict.letters:
        ARTICLES.labels(stage, "dead_lettered").inc()
        log.warning("dead-lettered", reason=letter.reason, article_id=letter.article_id, trace_id=letter.trace_id)
    for entry_id, error in verdict.retries:
        ARTICLES.labels(stage, "retry").inc()
        log.warning("failed; will retry", entry=entry_id.decode(), error=error)


async def _write(
    client: AsyncRedis, settings: RedisSettings, verdict: Verdict, stream: str, group: str, out_stream: str | None
) -> None:
    """Letters and outputs first, acks last, in one pipeline: a crash in between repeats work, it never
    loses an article."""
    async with client.pipeline(transaction=False) as pipe:
        for letter in verdict.letters:
            pipe.xadd(settings.stream_dlq, {DATA_FIELD: await envelope(letter)})
        if verdict.letters and settings.redis_cluster:
            # The DLQ is another slot, maybe on another node, and a cluster pipeline sends each node
            # its part at the same time: the letters are written first, in a round trip of their own.
            await pipe.execute()
        if out_stream is not None:
            for output in verdict.outputs:
                pipe.xadd(out_stream, {DATA_FIELD: await envelope(output)})
        if verdict.done:
            pipe.xack(stream, group, *verdict.done)
        await pipe.execute()
