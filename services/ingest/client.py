"""Submits article files to the ingest API in batches, reporting each file's fate."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .auth import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from .files import FileArticle, UnreadableFile, read_articles

BATCH_ITEMS = 50
BATCH_BYTES = 2_000_000
# How long one batch may wait out back-pressure (503 + Retry-After) before the submission fails.
MAX_BACKPRESSURE_WAIT = 600.0


@dataclass
class SubmitReport:
    accepted: list[tuple[Path, str, str]] = field(default_factory=list)  # path, article_id, trace_id
    rejected: list[tuple[Path, str]] = field(default_factory=list)  # path, reason


class IngestClient:
    def __init__(self, api_url: str, api_key: str, timeout: float = 30.0, hmac_secret: str | None = None) -> None:
        self.http = httpx.Client(base_url=api_url, headers={"X-API-Key": api_key}, timeout=timeout)
        self.hmac_secret = hmac_secret

    def close(self) -> None:
        self.http.close()

    def _post(self, batch: list[FileArticle], report: SubmitReport) -> None:
        payload = json.dumps([a.submission for a in batch])
        waited = 0.0
        while True:
            response = self.http.post("/v1/articles:batch", content=payload, headers=self._headers(payload))
            if response.status_code != 503 or waited >= MAX_BACKPRESSURE_WAIT:
                break
            # Back-pressure: the pipeline is behind; wait as asked and send the same batch again.
            pause = min(_retry_after(response), MAX_BACKPRESSURE_WAIT - waited)
            time.sleep(pause)
            waited += pause
        if response.status_code == 202:
            for article, accepted in zip(batch, response.json()["accepted"], strict=True):
                report.accepted.append((article.path, accepted["article_id"], accepted["trace_id"]))
        elif response.status_code in (413, 422) and len(batch) > 1:
            for article in batch:  # all-or-nothing batch: resend one by one to learn which failed
                self._post([article], report)
        elif response.status_code in (413, 422):
            report.rejected.append((batch[0].path, _reason(response)))
        else:
            raise httpx.HTTPStatusError(
                f"ingest API answered {response.status_code}: {_reason(response)}",
                request=response.request,
                response=response,
            )

    def _headers(self, payload: str) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.hmac_secret:  # signed afresh on every attempt: the timestamp must be recent
            timestamp = int(time.time())
            headers[TIMESTAMP_HEADER] = str(timestamp)
            headers[SIGNATURE_HEADER] = sign(self.hmac_secret, timestamp, payload.encode())
        return headers

    def submit_files(self, files: list[Path], on_file: Callable[[Path], None] | None = None) -> SubmitReport:
        report = SubmitReport()
        batch: list[FileArticle] = []
        size = 0
        for path in files:
            try:
                articles = list(read_articles(path))
            except UnreadableFile as exc:
                report.rejected.append((path, str(exc)))
                articles = []
            for article in articles:
                item_size = len(json.dumps(article.submission))
                if batch and (len(batch) >= BATCH_ITEMS or size + item_size > BATCH_BYTES):
                    self._post(batch, report)
                    batch, size = [], 0
                batch.append(article)
                size += item_size
            if on_file:
                on_file(path)
        if batch:
            self._post(batch, report)
        return report


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("Retry-After", "")
    return max(0.1, min(float(value), 60.0)) if value.replace(".", "", 1).isdigit() else 1.0


def _reason(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text))
    except ValueError:
        return response.text[:200]
