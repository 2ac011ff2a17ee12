"""Subscriber-client fixtures: events announced by the store's real announcer on real Redis, and the
client run as a real process that a test can SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis

from newsflow_schemas import ArticleStored
from services.common.settings import Settings
from services.store.announce import Announcer


def make_events(count: int, prefix: str = "art") -> list[ArticleStored]:
    return [
        ArticleStored(article_id=f"{prefix}-{n:03d}", trace_id=f"t-{n}", change="created", title=f"Article {n}")
        for n in range(count)
    ]


def announce(redis_url: str, stream: str, events: list[ArticleStored]) -> None:
    async def run() -> None:
        announcer = Announcer(Settings(redis_url=redis_url, stream_stored=stream))
        try:
            for event in events:
                assert await announcer.announce(event)
        finally:
            await announcer.close()

    asyncio.run(run())


# A subscriber process: every event's start and end go to a journal file, the handler taking `SLOW` s.
SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from newsflow_subscriber import subscribe

    journal = open(sys.argv[1], "a", buffering=1)
    slow = float(os.environ.get("SLOW", "0"))

    def handle(event):
        journal.write(f"start {event.article_id}\\n")
        time.sleep(slow)
        journal.write(f"done {event.article_id}\\n")

    subscribe(handle, group=os.environ["GROUP"], consumer=os.environ["CONSUMER"], from_start=True,
              claim_idle_s=float(os.environ.get("CLAIM_IDLE_S", "60")), block_s=0.2)
    """
)


@dataclass
class Journal:
    path: Path

    def lines(self) -> list[tuple[str, str]]:
        if not self.path.exists():
            return []
        return [tuple(line.split(" ", 1)) for line in self.path.read_text().splitlines() if " " in line]  # type: ignore[misc]

    def done(self) -> set[str]:
        return {article for what, article in self.lines() if what == "done"}

    def in_flight(self) -> set[str]:
        """Started and not (yet) done in the latest run of each."""
        open_: set[str] = set()
        for what, article in self.lines():
            (open_.add if what == "start" else open_.discard)(article)
        return open_


@dataclass
class SubscriberProcesses:
    redis_url: str
    stream: str
    tmp: Path
    running: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, group: str, consumer: str, journal: Journal, **env: str) -> subprocess.Popen[bytes]:
        script = self.tmp / "subscriber_process.py"
        script.write_text(SCRIPT)
        environment = {**os.environ, "NEWSFLOW_REDIS_URL": self.redis_url, "NEWSFLOW_STREAM_STORED": self.stream,
                       "GROUP": group, "CONSUMER": consumer, **env}  # fmt: skip
        log = (self.tmp / f"{consumer}.log").open("ab")
        process = subprocess.Popen([sys.executable, str(script), str(journal.path)], env=environment,
                                   stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        self.running.append(process)
        return process

    def log(self, consumer: str) -> str:
        path = self.tmp / f"{consumer}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


@pytest.fixture()
def processes(redis_url: str, stream_prefix: str, tmp_path: Path) -> Iterator[SubscriberProcesses]:
    running = SubscriberProcesses(redis_url, f"{stream_prefix}.stored", tmp_path)
    yield running
    for process in running.running:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60, details: Callable[[], str] = str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n{details()}")
        time.sleep(0.05)


def pending(redis_url: str, stream: str, group: str) -> int:
    client = redis.Redis.from_url(redis_url)
    try:
        return int(client.xpending(stream, group)["pending"])
    finally:
        client.close()
