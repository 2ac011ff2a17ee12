"""A large WARC through `newsflow ingest`: throughput and the client's memory from start to end.

`make_warc` writes a gzipped WARC (a member per record, as crawlers write them) from the dev pages with
warcio: request and response records, an image every 10th page and a revisit every 20th, each page under
its own URL, until the file reaches the size asked for. `run_warc_bench` starts a real ingest worker on
Redis, drains the raw stream as an instant parse stage would (read in the `parse` group, acknowledge,
delete, so Redis does not hold gigabytes and back-pressure still applies), runs `newsflow ingest FILE`
as a user would, and samples the command's RSS twice a second.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import redis
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsflow_harness.local.workers import Workers, settings_env
from services.common.settings import Settings, stream_names
from services.ingest.formats import Article, open_file

API_KEY = "bench-warc-key"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2_000


@dataclass
class WarcBench:
    file_bytes: int
    records: int = 0
    articles: int = 0
    seconds: float = 0.0
    drained: int = 0
    report: str = ""
    rss_mb: list[tuple[float, float]] = field(default_factory=list)  # (seconds, MB) of `newsflow ingest`
    reader_seconds: float = 0.0
    reader_rss_mb: list[float] = field(default_factory=list)

    @property
    def mb_per_second(self) -> float:
        return self.file_bytes / 1e6 / self.seconds if self.seconds else 0.0

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, object]:
        after_start = [mb for t, mb in self.rss_mb if t >= 5] or [mb for _, mb in self.rss_mb]
        tenth = max(1, len(after_start) // 10)
        return {
            **{k: v for k, v in asdict(self).items() if k not in ("rss_mb", "reader_rss_mb")},
            "mb_per_second": round(self.mb_per_second, 2),
            "articles_per_second": round(self.articles_per_second, 1),
            "ingest_rss_mb": {
                "first_tenth_median": round(statistics.median(after_start[:tenth]), 1) if after_start else None,
                "last_tenth_median": round(statistics.median(after_start[-tenth:]), 1) if after_start else None,
                "max": round(max(after_start), 1) if after_start else None,
            },
            "reader_rss_mb": {
                "first": round(self.reader_rss_mb[0], 1) if self.reader_rss_mb else None,
                "last": round(self.reader_rss_mb[-1], 1) if self.reader_rss_mb else None,
                "max": round(max(self.reader_rss_mb), 1) if self.reader_rss_mb else None,
            },
        }


def make_warc(path: Path, target_bytes: int, pages_folder: Path) -> int:
    """Write a gzipped WARC of at least `target_bytes` from the pages in `pages_folder`; its record count.

    warcio writes each record; each is gzipped as a member of its own at level 1 (warcio's own gzip is
    level 9, which takes most of an hour for a gigabyte on this machine; readers see no difference).
    """
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(pages_folder.glob("*.html.gz"))]
    if not pages:
        raise FileNotFoundError(f"no .html.gz pages in {pages_folder}")
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    records = 0
    with path.open("wb") as handle:

        def write(record: object) -> None:
            buffer.seek(0)
            buffer.truncate()
            writer.write_record(record)
            handle.write(gzip.compress(buffer.getvalue(), compresslevel=1))

        write(writer.create_warcinfo_record(path.name, {"software": "newsflow bench (warcio)"}))
        number = 0
        while handle.tell() < target_bytes:
            url = f"https://bench.example/{number}/article.html"
            request = StatusAndHeaders("GET /article.html HTTP/1.1", [("Host", "bench.example")], is_http_request=True)
            write(writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request))
            if number % 10 == 9:
                http = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
                payload = PNG
            else:
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
                payload = pages[number % len(pages)]
            write(writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http))
            records += 2
            if number % 20 == 19:
                write(writer.create_revisit_record(url, digest="sha1:" + "A" * 32, refers_to_uri=url,
                                                   refers_to_date="2026-03-04T10:00:00Z"))  # fmt: skip
                records += 1
            number += 1
    return records


def _rss_mb(pid: int | str) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmRSS:\s+(\d+)", status)
    return int(found.group(1)) / 1024 if found else 0.0


def measure_reader(path: Path, result: WarcBench) -> None:
    """The reader alone, in this process: records and articles, its time, RSS every 2,000 records."""
    started = time.monotonic()
    for number, item in enumerate(open_file(path).items, 1):
        if number % 2_000 == 0:
            result.reader_rss_mb.append(_rss_mb("self"))
        if isinstance(item, Article):
            item.submission.get("html")
    result.reader_seconds = time.monotonic() - started


def _drain(client: redis.Redis, stream: str, stop: threading.Event, counter: list[int]) -> None:
    with contextlib.suppress(redis.ResponseError):  # the group exists already
        client.xgroup_create(stream, "parse", id="0", mkstream=True)
    while not stop.is_set():
        replies: Any = client.xreadgroup("parse", "bench-drain", {stream: ">"}, count=500, block=500)
        for _, entries in replies or []:
            ids = [entry_id for entry_id, _ in entries]
            if ids:
                client.xack(stream, "parse", *ids)
                client.xdel(stream, *ids)
                counter[0] += len(ids)


def run_warc_bench(path: Path, redis_url: str, port: int, log_dir: Path, max_backlog: int = 2_000) -> WarcBench:
    result = WarcBench(file_bytes=path.stat().st_size)
    measure_reader(path, result)
    settings = Settings(
        redis_url=redis_url,
        **stream_names(f"bench-warc-{uuid.uuid4().hex[:8]}"),
        ingest_port=port,
        ingest_api_keys=[API_KEY],
        ingest_max_backlog=max_backlog,
        log_format="json",
        log_level="WARNING",
    )
    workers = Workers(settings, log_dir)
    client = redis.Redis.from_url(redis_url)
    stop, drained = threading.Event(), [0]
    drainer = threading.Thread(target=_drain, args=(client, settings.stream_raw, stop, drained), daemon=True)
    drainer.start()
    try:
        workers.start("ingest")
        started = time.monotonic()
        command = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "ingest", str(path)],
            env={**settings_env(settings), "NEWSFLOW_API_KEY": API_KEY, "COLUMNS": "200"},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        sampler = threading.Thread(target=_sample, args=(command, started, result), daemon=True)
        sampler.start()
        _, stderr = command.communicate()
        result.seconds = time.monotonic() - started
        sampler.join()
        if command.returncode != 0:
            raise RuntimeError(f"newsflow ingest exited {command.returncode}:\n{stderr[-3000:]}")
        result.report = "\n".join(line for line in stderr.splitlines() if "Submitting" not in line)
        counts = re.search(r"WARC, (\d+) records read, (\d+) articles", stderr)
        if counts:
            result.records, result.articles = int(counts.group(1)), int(counts.group(2))
        deadline = time.monotonic() + 60
        while drained[0] < result.articles and time.monotonic() < deadline:
            time.sleep(0.2)
        result.drained = drained[0]
    finally:
        stop.set()
        drainer.join(5)
        workers.stop_all()
        if keys := list(client.scan_iter(match=f"{settings.stream_raw.rsplit('.', 1)[0]}.*")):
            client.delete(*keys)
        client.close()
    return result


def _sample(command: subprocess.Popen[str], started: float, result: WarcBench) -> None:
    while command.poll() is None:
        if (mb := _rss_mb(command.pid)) > 0:
            result.rss_mb.append((round(time.monotonic() - started, 1), round(mb, 1)))
        time.sleep(0.5)


def write_result(result: WarcBench, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**result.summary(), "rss_timeline": result.rss_mb}, indent=1))
