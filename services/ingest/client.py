"""Submits article files to the ingest API in batches (through newsflow_client), reporting each file's fate:
its kind, records read, articles accepted, and what was skipped or rejected and why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from newsflow_client import NewsflowClient, Outcome

from .formats import Article, FileKind, Skip, UnreadableFile, open_file

BATCH_ITEMS = 50
BATCH_BYTES = 2_000_000
# How long one batch may wait out back-pressure (503 + Retry-After) or an outage before the submission fails.
MAX_BACKPRESSURE_WAIT = 600.0


@dataclass
class FileReport:
    path: Path
    kind: FileKind | None = None
    unit: str = "item"
    records: int = 0  # WARC records, lines, feed items read
    accepted: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> count
    rejected: list[tuple[str, str]] = field(default_factory=list)  # where, reason (the API's or the reader's)
    refused: str | None = None  # the whole file was not read: why
    resume_offset: int | None = None  # WARC: the first record not yet accepted


@dataclass
class SubmitReport:
    accepted: list[tuple[Path, str, str]] = field(default_factory=list)  # path, article_id, trace_id
    rejected: list[tuple[Path, str]] = field(default_factory=list)  # path, reason
    files: list[FileReport] = field(default_factory=list)

    def skipped_files(self) -> Counter[str]:
        """Files not read at all, by reason (the part of the reason after the file name)."""
        return Counter(f.refused.split(": ", 1)[-1] for f in self.files if f.refused)


class IngestClient:
    def __init__(self, api_url: str, api_key: str, timeout: float = 30.0, hmac_secret: str | None = None) -> None:
        self.sender = NewsflowClient(
            api_url,
            api_key,
            hmac_secret=hmac_secret,
            batch_items=BATCH_ITEMS,
            batch_bytes=BATCH_BYTES,
            max_wait=MAX_BACKPRESSURE_WAIT,
            timeout=timeout,
        )

    @property
    def http(self) -> httpx.Client:
        return self.sender.http

    @http.setter
    def http(self, client: httpx.Client) -> None:
        self.sender.http = client

    def close(self) -> None:
        self.sender.close()

    def submit_files(
        self,
        files: list[Path],
        on_file: Callable[[Path], None] | None = None,
        on_bytes: Callable[[int], None] | None = None,
        start_offset: int = 0,
    ) -> SubmitReport:
        """Each file read by what it holds and sent in batches; one bad file or record never stops the rest.

        `on_bytes` is told how many more bytes were read (a progress bar over all files' sizes).
        """
        report = SubmitReport()
        self.last_report = report.files  # what an interrupted run can still say (the resume offset)
        self._in_flight: list[tuple[Article, FileReport]] = []
        for path in files:
            file_report = FileReport(path)
            report.files.append(file_report)
            self._submit_file(path, file_report, report, on_bytes, start_offset)
            if on_file:
                on_file(path)
        self._record(self.sender.flush(), report)
        return report

    def _submit_file(
        self,
        path: Path,
        file_report: FileReport,
        report: SubmitReport,
        on_bytes: Callable[[int], None] | None,
        start_offset: int,
    ) -> None:
        try:
            reading = open_file(path, start_offset)
        except UnreadableFile as exc:
            file_report.refused = str(exc)
            report.rejected.append((path, str(exc)))
            if on_bytes:
                on_bytes(path.stat().st_size if path.exists() else 0)
            return
        file_report.kind, file_report.unit = reading.kind, reading.unit
        done = start_offset
        try:
            for item in reading.items:
                file_report.records += 1
                if isinstance(item, Skip):
                    file_report.skipped[item.reason] += 1
                    if item.fatal:
                        file_report.rejected.append((item.where, f"{item.reason}: {item.detail}"))
                        report.rejected.append((path, f"{item.reason} {item.where}: {item.detail}"))
                        file_report.records -= 1  # not a record
                else:
                    self._in_flight.append((item, file_report))
                    self._record(self.sender.add(item.submission), report)
                if on_bytes and (position := reading.position()) > done:
                    on_bytes(position - done)
                    done = position
        except UnreadableFile as exc:  # damaged past some point: what was read is still sent
            file_report.rejected.append(("", str(exc)))
            report.rejected.append((path, str(exc)))
        except BaseException:
            # Interrupted or the API stayed down: say where a WARC can be resumed from, then stop.
            file_report.resume_offset = next((a.offset for a, _ in self._in_flight if a.offset is not None), None)
            raise
        if reading.kind in (FileKind.WARC, FileKind.JSON_LINES):
            # A big file's report is complete when it ends, and a WARC's resume offset exact.
            self._record(self.sender.flush(), report)
        if on_bytes and reading.size > done:
            on_bytes(reading.size - done)

    def _record(self, outcomes: list[Outcome], report: SubmitReport) -> None:
        for outcome in outcomes:
            article, file_report = self._in_flight.pop(0)
            path = file_report.path
            if outcome.accepted:
                assert outcome.article_id is not None and outcome.trace_id is not None
                file_report.accepted += 1
                report.accepted.append((path, outcome.article_id, outcome.trace_id))
            else:
                reason = outcome.reason or "refused"
                file_report.rejected.append((article.where, reason))
                where = f" {article.where}" if article.where else ""
                report.rejected.append((path, f"{where.strip()}: {reason}" if where else reason))
