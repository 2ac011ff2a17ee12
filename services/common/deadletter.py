"""What happens to an entry a handler could not turn into output.

- `RejectedInput` (from a core) or a body that does not match the stage's input model: no retry can
  fix it, so it becomes a dead letter at once and the entry is acknowledged.
- Anything else (an outage, a bug): the entry stays pending. After `retry_idle_ms` a live consumer
  of the group claims it and runs it again (Redis counts the deliveries); the delivery that reaches
  `max_deliveries` dead-letters it instead of failing again.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import structlog
from faststream import Context
from faststream.middlewares import ExceptionMiddleware
from faststream.redis import RedisBroker
from faststream.redis.message import RedisBatchStreamMessage, RedisStreamMessage
from pydantic import ValidationError

from newsflow_schemas import DeadLetter

from .connection import AsyncRedis
from .errors import RejectedInput, describe_validation_error
from .metrics import ARTICLES

log = structlog.get_logger()
MAX_REASON_CHARS = 500


def invalid_input_reason(stage: str, error: ValidationError) -> str:
    return f"message does not match the {stage} input model: {describe_validation_error(error)}"


def make_dead_letter(stage: str, reason: str, payload: bytes, now: datetime | None = None) -> DeadLetter:
    text = payload.decode("utf-8", errors="replace")
    try:
        fields = json.loads(text)
    except (ValueError, RecursionError):  # any text can arrive here, JSON nested past the limit too
        fields = None
    ids = fields if isinstance(fields, dict) else {}
    article_id, trace_id = ids.get("article_id"), ids.get("trace_id")
    return DeadLetter(
        stage=stage,
        reason=reason[:MAX_REASON_CHARS],
        article_id=article_id if isinstance(article_id, str) else None,
        trace_id=trace_id if isinstance(trace_id, str) else None,
        failed_at=now or datetime.now(UTC),
        payload=text,
    )


async def deliveries(client: AsyncRedis, message: RedisStreamMessage, group: str) -> int:
    """How many times Redis has delivered this entry to the group (1 on the first attempt)."""
    raw = message.raw_message
    entry_id = raw["message_ids"][0]
    pending = await client.xpending_range(raw["channel"], group, min=entry_id, max=entry_id, count=1)
    return int(pending[0]["times_delivered"]) if pending else 1


def dead_letter_middleware(stage: str, dlq_stream: str, max_deliveries: int) -> ExceptionMiddleware:
    middleware = ExceptionMiddleware()

    async def send(reason: str, message: RedisStreamMessage, broker: RedisBroker) -> None:
        ARTICLES.labels(stage, "dead_lettered").inc()
        letter = make_dead_letter(stage, reason, message.body)
        await broker.publish(letter, stream=dlq_stream)
        log.warning("dead-lettered", reason=letter.reason, article_id=letter.article_id, trace_id=letter.trace_id)

    @middleware.add_handler(RejectedInput)
    async def on_rejected(
        exc: RejectedInput, message: RedisStreamMessage = Context(), broker: RedisBroker = Context()
    ) -> None:
        await send(exc.reason, message, broker)

    @middleware.add_handler(ValidationError)
    async def on_invalid(
        exc: ValidationError, message: RedisStreamMessage = Context(), broker: RedisBroker = Context()
    ) -> None:
        await send(invalid_input_reason(stage, exc), message, broker)

    @middleware.add_handler(Exception)
    async def on_failure(
        exc: Exception,
        message: RedisStreamMessage = Context(),
        broker: RedisBroker = Context(),
        client: AsyncRedis = Context("broker._connection"),
    ) -> None:
        if not isinstance(message, RedisStreamMessage | RedisBatchStreamMessage):
            # FastStream failed before it had a message (the raw entry in hand): nothing to count.
            log.warning("entry could not be opened", error=f"{type(exc).__name__}: {exc}")
            raise exc
        if isinstance(message, RedisBatchStreamMessage):
            # A batch judges its entries one by one (common/batch.py); failing as a whole it left
            # them all pending, and the retry subscriber takes them one at a time from here.
            log.warning("batch failed; its entries will be retried one by one", error=f"{type(exc).__name__}: {exc}")
            raise exc
        count = await deliveries(client, message, stage)
        if count >= max_deliveries:
            await send(f"failed {count} times, last with {type(exc).__name__}: {exc}", message, broker)
            return
        ARTICLES.labels(stage, "retry").inc()
        log.warning("failed; will retry", error=f"{type(exc).__name__}: {exc}", delivery=count, of=max_deliveries)
        raise exc  # left pending: retried after retry_idle_ms

    return middleware
