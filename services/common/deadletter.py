"""Turns input no retry can fix into a dead letter on the DLQ stream, then lets the input be acked.

Only `RejectedInput` (from a core) and a body that does not match the stage's input model are
dead-lettered. Any other error propagates: the entry stays pending for a later retry.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import structlog
from faststream import Context
from faststream.middlewares import ExceptionMiddleware
from faststream.redis import RedisBroker
from faststream.redis.message import RedisStreamMessage
from pydantic import ValidationError

from newsflow_schemas import DeadLetter

from .errors import RejectedInput

log = structlog.get_logger()


def make_dead_letter(stage: str, reason: str, payload: bytes) -> DeadLetter:
    text = payload.decode("utf-8", errors="replace")
    try:
        fields = json.loads(text)
    except ValueError:
        fields = None
    ids = fields if isinstance(fields, dict) else {}
    article_id, trace_id = ids.get("article_id"), ids.get("trace_id")
    return DeadLetter(
        stage=stage,
        reason=reason,
        article_id=article_id if isinstance(article_id, str) else None,
        trace_id=trace_id if isinstance(trace_id, str) else None,
        failed_at=datetime.now(UTC),
        payload=text,
    )


def dead_letter_middleware(stage: str, dlq_stream: str) -> ExceptionMiddleware:
    middleware = ExceptionMiddleware()

    async def send(reason: str, message: RedisStreamMessage, broker: RedisBroker) -> None:
        letter = make_dead_letter(stage, reason, message.body)
        await broker.publish(letter, stream=dlq_stream)
        log.warning("dead-lettered", reason=reason, article_id=letter.article_id, trace_id=letter.trace_id)

    @middleware.add_handler(RejectedInput)
    async def on_rejected(
        exc: RejectedInput, message: RedisStreamMessage = Context(), broker: RedisBroker = Context()
    ) -> None:
        await send(exc.reason, message, broker)

    @middleware.add_handler(ValidationError)
    async def on_invalid(
        exc: ValidationError, message: RedisStreamMessage = Context(), broker: RedisBroker = Context()
    ) -> None:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
        await send(f"message does not match the {stage} input model: {problems}", message, broker)

    return middleware
