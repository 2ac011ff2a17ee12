"""Messaging only: three pass-through hops as separate processes, next to redis-benchmark's XADD on
the same Redis (the transport's physical limit)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import redis

from newsflow_harness.local.workers import settings_env
from services.common.envelope import envelope
from services.common.settings import Settings
from services.common.streamread import as_text

HOPS = 3
# About the size of a small article message: what the transport carries per entry.
PAYLOAD = {"article_id": "0" * 32, "trace_id": "0" * 32, "body": "x" * 2_000}


@dataclass
class Messaging:
    messages: int
    hop_per_second: list[float]
    end_to_end_per_second: float
    xadd_per_second: float | None  # redis-benchmark, no pipelining

    @property
    def hop_share_of_xadd(self) -> float | None:
        if not self.xadd_per_second:
            return None
        return min(self.hop_per_second) / self.xadd_per_second


def run_messaging(settings: Settings, messages: int, log_dir: Path) -> Messaging:
    prefix = f"bench-msg-{uuid.uuid4().hex[:6]}"
    streams = [f"{prefix}.{i}" for i in range(HOPS + 1)]
    client = redis.Redis.from_url(settings.redis_url)
    log_dir.mkdir(parents=True, exist_ok=True)
    env = settings_env(settings.model_copy(update={"log_level": "WARNING"}))
    hops = []
    for i in range(HOPS):
        with (log_dir / f"noop-{i}.log").open("ab") as out:
            hops.append(subprocess.Popen(
                [sys.executable, "-m", "newsflow_harness.bench.noop", streams[i], streams[i + 1], f"hop{i}"],
                env=env, stdout=out, stderr=subprocess.STDOUT,
            ))  # fmt: skip
    try:
        _wait_groups(client, streams[:-1], [f"hop{i}" for i in range(HOPS)])
        entry = asyncio.run(_encoded())
        started = time.monotonic()
        pipe = client.pipeline(transaction=False)
        for n in range(messages):
            pipe.xadd(streams[0], {"__data__": entry})
            if n % 1000 == 999:
                pipe.execute()
        pipe.execute()
        deadline = time.monotonic() + 600
        while client.xlen(streams[-1]) < messages and time.monotonic() < deadline:
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        rates = [_rate(client, stream) for stream in streams[1:]]
        return Messaging(messages, rates, messages / elapsed, _redis_benchmark(settings.redis_url, entry))
    finally:
        for hop in hops:
            hop.terminate()
        for hop in hops:
            hop.wait(timeout=30)
        client.delete(*streams)
        client.close()


async def _encoded() -> bytes:
    return await envelope(PAYLOAD)


def _wait_groups(client: redis.Redis, streams: list[str], groups: list[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    for stream, group in zip(streams, groups, strict=True):
        while True:
            try:
                if any(as_text(g["name"]) == group for g in client.xinfo_groups(stream)):
                    break
            except redis.ResponseError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"hop {group} did not start")
            time.sleep(0.1)


def _rate(client: redis.Redis, stream: str) -> float:
    """Entries per second a hop wrote, from the times in its output's first and last entry ids."""
    first, last = client.xrange(stream, count=1) or [], client.xrevrange(stream, count=1) or []
    if not first or not last:
        return 0.0
    span_ms = _ms(last[0][0]) - _ms(first[0][0])
    return int(client.xlen(stream)) / max(span_ms / 1000, 0.001)


def _ms(entry_id: object) -> int:
    return int(as_text(entry_id).split("-")[0])


def _redis_benchmark(url: str, entry: bytes, requests: int = 100_000) -> float | None:
    binary = shutil.which("redis-benchmark")
    if not binary:
        return None
    parsed = redis.connection.parse_url(url)
    key = f"bench-rb-{uuid.uuid4().hex[:6]}"
    value = "x" * len(entry)  # the same size; the envelope itself has NUL bytes, which argv cannot carry
    out = subprocess.run(
        [binary, "-h", str(parsed.get("host", "127.0.0.1")), "-p", str(parsed.get("port", 6379)), "-n", str(requests),
         "-q", "XADD", key, "*", "__data__", value],
        capture_output=True, text=True, timeout=300, env={**os.environ},
    )  # fmt: skip
    redis.Redis.from_url(url).delete(key)
    match = re.search(r"([\d.]+) requests per second", out.stdout)
    return float(match[1]) if match else None
