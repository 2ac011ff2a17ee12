"""A client for newsflow's ingest API: articles sent in batches, retried while the API is busy or down.

503 (newsflow's back-pressure) and other 5xx answers, and connection errors, are retried with exponential
back-off, waiting what the server's Retry-After asks for when it says; a batch the API refuses as a whole
(422/413: one bad article fails an all-or-nothing batch) is resent one article at a time, so each article
gets its own outcome.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import httpx

from .signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_request

BATCH_PATH = "/v1/articles:batch"


class IngestUnavailable(RuntimeError):
    """The API stayed busy or unreachable for longer than the client's `max_wait`."""


class IngestRefused(RuntimeError):
    """The API refused the client itself (a wrong key, a bad signature): no retry can help."""


@dataclass(frozen=True)
class Outcome:
    """What became of one article: its ids when accepted, else the API's reason."""

    article: dict[str, Any]
    article_id: str | None = None
    trace_id: str | None = None
    reason: str | None = None

    @property
    def accepted(self) -> bool:
        return self.article_id is not None


class NewsflowClient:
    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        hmac_secret: str | None = None,
        batch_items: int = 50,
        batch_bytes: int = 2_000_000,
        max_wait: float = 600.0,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.http = httpx.Client(base_url=url, headers={"X-API-Key": api_key}, timeout=timeout, transport=transport)
        self.hmac_secret = hmac_secret
        self.batch_items, self.batch_bytes, self.max_wait = batch_items, batch_bytes, max_wait
        self.sleep = sleep
        self._pending: list[tuple[dict[str, Any], bytes]] = []
        self._pending_bytes = 0

    def __enter__(self) -> NewsflowClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def add(self, article: dict[str, Any]) -> list[Outcome]:
        """Queue one article; when the batch is full it is sent, and its outcomes returned."""
        encoded = _encode(article)
        sent: list[Outcome] = []
        if self._pending and (
            len(self._pending) >= self.batch_items or self._pending_bytes + len(encoded) > self.batch_bytes
        ):
            sent = self.flush()
        self._pending.append((article, encoded))
        self._pending_bytes += len(encoded)
        return sent

    def flush(self) -> list[Outcome]:
        """Send what is queued; the outcome of each article, in order."""
        batch, self._pending, self._pending_bytes = self._pending, [], 0
        return self._send(batch) if batch else []

    def send(self, articles: Iterable[dict[str, Any]]) -> list[Outcome]:
        """Send `articles` (batched) and return every outcome."""
        outcomes: list[Outcome] = []
        for article in articles:
            outcomes += self.add(article)
        return outcomes + self.flush()

    def _send(self, batch: list[tuple[dict[str, Any], bytes]]) -> list[Outcome]:
        body = b"[" + b",".join(encoded for _, encoded in batch) + b"]"
        response = self._post(body)
        if response.status_code == 202:
            accepted = response.json()["accepted"]
            return [
                Outcome(article, a["article_id"], a["trace_id"])
                for (article, _), a in zip(batch, accepted, strict=True)
            ]
        if response.status_code in (413, 422) and len(batch) > 1:
            return [outcome for one in batch for outcome in self._send([one])]  # learn which article failed
        if response.status_code in (413, 422):
            return [Outcome(batch[0][0], reason=_reason(response))]
        raise IngestRefused(f"ingest API answered {response.status_code}: {_reason(response)}")

    def _post(self, body: bytes) -> httpx.Response:
        waited, attempt = 0.0, 0
        while True:
            try:
                response = self.http.post(BATCH_PATH, content=body, headers=self._headers(body))
                if response.status_code < 500:
                    return response
                problem = f"{response.status_code}: {_reason(response)}"
                pause = _retry_after(response)
            except httpx.TransportError as exc:  # refused, reset, timed out: the API may be restarting
                problem, pause = f"{type(exc).__name__}: {exc}", None
            if pause is None:
                pause = min(30.0, 0.5 * 2**attempt) * random.uniform(0.5, 1.0)
            if waited + pause > self.max_wait:
                raise IngestUnavailable(f"the ingest API is still unavailable after {waited:.0f} s ({problem})")
            self.sleep(pause)
            waited += pause
            attempt += 1

    def _headers(self, body: bytes) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.hmac_secret:  # signed afresh on every attempt: the timestamp must be recent
            timestamp = int(time.time())
            headers[TIMESTAMP_HEADER] = str(timestamp)
            path = self.http.build_request("POST", BATCH_PATH).url.path  # under the base URL's own path
            headers[SIGNATURE_HEADER] = sign_request(self.hmac_secret, timestamp, "POST", path, body)
        return headers


def _encode(article: dict[str, Any]) -> bytes:
    # A lone surrogate (read from a file's "\\ud800") has no UTF-8: it goes as the same JSON escape, and
    # the API refuses that article alone with its reason, instead of the client failing on the whole run.
    return json.dumps(article, default=_json_default, ensure_ascii=False).encode(errors="backslashreplace")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asks us to wait (capped at a minute), or None when it does not say."""
    value = response.headers.get("Retry-After", "").strip()
    try:
        return max(0.1, min(float(value), 60.0))
    except ValueError:
        return None


def _reason(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text))
    except ValueError:
        return response.text[:200]
