"""Sends due webhook deliveries: a signed POST each, back-off on failure, dead after the last attempt.

The body is the event's JSON: ArticleStored, or StoryMerged for a subscription that asked for merges.
Headers: `X-Newsflow-Event` (which of the two: the model's name), `X-Newsflow-Timestamp` (Unix
seconds) and `X-Newsflow-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the
subscription's secret (the same scheme as signed ingest requests), `X-Newsflow-Delivery` (the
delivery's id: the same on every attempt, to drop repeats) and `X-Newsflow-Subscription`. Any 2xx
is delivered; anything else, or no answer within the timeout, is retried after NEWSFLOW_WEBHOOK_RETRY_S
doubled per attempt (at most an hour), up to NEWSFLOW_WEBHOOK_MAX_ATTEMPTS.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import structlog
from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import Engine

from services.common.metrics import REGISTRY
from services.ingest.auth import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

from . import outbox

log = structlog.get_logger()
MAX_BACKOFF_S = 3600
EVENT_HEADER = "X-Newsflow-Event"

DELIVERIES = Counter(
    "newsflow_webhook_deliveries", "Webhook POSTs, by outcome (delivered, retry, dead).", ["outcome"],
    registry=REGISTRY,
)  # fmt: skip
POST_SECONDS = Histogram(
    "newsflow_webhook_seconds", "Time a webhook endpoint took to answer.", registry=REGISTRY,
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)  # fmt: skip
WAITING = Gauge("newsflow_webhook_waiting", "Webhook deliveries not yet made.", registry=REGISTRY)


def backoff_s(attempts: int, first_s: float) -> float:
    """The wait after the `attempts`-th failed attempt: first_s, then doubling, at most an hour."""
    return float(min(first_s * 2 ** (attempts - 1), MAX_BACKOFF_S))


def signed_headers(secret: str, body: bytes, delivery: dict[str, Any], now: float) -> dict[str, str]:
    timestamp = int(now)
    return {
        "Content-Type": "application/json",
        "User-Agent": "newsflow-webhooks",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        EVENT_HEADER: str(delivery.get("event") or "ArticleStored"),
        "X-Newsflow-Delivery": str(delivery["delivery_id"]),
        "X-Newsflow-Subscription": delivery["subscription_id"],
    }


class Sender:
    def __init__(
        self,
        engine: Engine,
        timeout_s: float,
        max_attempts: int,
        retry_s: float,
        poll_s: float,
        concurrency: int,
    ) -> None:
        self.engine = engine
        self.timeout_s, self.max_attempts, self.retry_s = timeout_s, max_attempts, retry_s
        self.poll_s, self.concurrency = poll_s, concurrency
        self.client = httpx.AsyncClient(timeout=timeout_s, follow_redirects=False)

    async def run(self) -> None:
        """Send what is due, forever; a database outage is waited out."""
        while True:
            try:
                sent = await self.send_due()
            except Exception as error:  # the database away: the next round tries again
                log.warning("webhook deliveries not read", error=f"{type(error).__name__}: {error}")
                sent = 0
            if not sent:
                await asyncio.sleep(self.poll_s)

    async def send_due(self) -> int:
        now = datetime.now(UTC)
        lease = now + timedelta(seconds=self.timeout_s * 2 + 30)  # past one attempt's longest time
        due = await asyncio.to_thread(outbox.claim_due, self.engine, now, lease, self.concurrency)
        await asyncio.gather(*(self._send(delivery) for delivery in due))
        WAITING.set(await asyncio.to_thread(self._waiting))
        return len(due)

    def _waiting(self) -> int:
        with self.engine.connect() as conn:
            return outbox.waiting(conn)

    async def _send(self, delivery: dict[str, Any]) -> None:
        body = delivery["payload"].encode()
        attempts = delivery["attempts"] + 1
        started = time.perf_counter()
        try:
            response = await self.client.post(
                delivery["url"], content=body, headers=signed_headers(delivery["secret"], body, delivery, time.time())
            )
            error = None if response.is_success else f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        POST_SECONDS.observe(time.perf_counter() - started)
        now = datetime.now(UTC)
        bound = log.bind(delivery_id=delivery["delivery_id"], subscription_id=delivery["subscription_id"],
                         event=delivery.get("event"), article_id=delivery["article_id"], attempt=attempts)  # fmt: skip
        if error is None:
            await asyncio.to_thread(outbox.record_delivered, self.engine, delivery["delivery_id"], attempts, now)
            DELIVERIES.labels("delivered").inc()
            bound.info("webhook delivered")
            return
        retry_at = None if attempts >= self.max_attempts else now + timedelta(seconds=backoff_s(attempts, self.retry_s))
        await asyncio.to_thread(outbox.record_failed, self.engine, delivery["delivery_id"], attempts, error,
                                retry_at, now)  # fmt: skip
        DELIVERIES.labels("retry" if retry_at else "dead").inc()
        bound.warning("webhook failed", error=error, retry_at=retry_at.isoformat() if retry_at else "never: dead")

    async def close(self) -> None:
        await self.client.aclose()
