"""The Node subscriber of schemas/WIRE.md (schemas/examples/subscriber.mjs) reads the events the real
store announcer writes to real Redis, acknowledges them, and starts with its own pending entries.

ioredis is installed from npm on first use (pinned in schemas/examples/package.json)."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import redis

from newsflow_schemas import ArticleStored, decode
from newsflow_schemas.events import STORED_EXAMPLE
from services.common.settings import Settings
from services.store.announce import Announcer

EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"
WIRE_MD = EXAMPLES.parent / "WIRE.md"
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def node_examples() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed: cannot run the Node subscriber")
    if not (EXAMPLES / "node_modules" / "ioredis").is_dir():
        result = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund"], cwd=EXAMPLES, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, f"npm install failed:\n{result.stdout}\n{result.stderr}"
    return EXAMPLES


def events(count: int) -> list[ArticleStored]:
    base = ArticleStored.model_validate(STORED_EXAMPLE)
    titles = ["Plain title", "Ünïcode “quotes” — and 中文", None]
    return [
        base.model_copy(update={"article_id": f"node-{n}", "title": titles[n % 3], "revision": 1 + n % 2})
        for n in range(count)
    ]


def announce(settings: Settings, batch: list[ArticleStored]) -> None:
    async def run() -> None:
        announcer = Announcer(settings)
        try:
            for event in batch:
                await announcer.announce(event)
        finally:
            await announcer.close()

    asyncio.run(run())


def read_lines(process: subprocess.Popen[str], count: int, timeout: float = 30) -> list[dict]:
    """The first `count` JSON lines the process prints (a thread reads, so a silent process cannot hang us)."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or []], daemon=True).start()
    out: list[dict] = []
    deadline = time.monotonic() + timeout
    while len(out) < count and time.monotonic() < deadline:
        try:
            out.append(json.loads(lines.get(timeout=0.2)))
        except queue.Empty:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
    return out


def test_the_node_subscriber_reads_every_event_then_its_pending_ones_after_a_kill(
    node_examples: Path, redis_url: str, stream_prefix: str
) -> None:
    settings = Settings(redis_url=redis_url, stream_stored=f"{stream_prefix}.stored")
    stream, group = settings.stream_stored, "node-test"
    sent = events(6)
    announce(settings, sent[:3])
    env = {**os.environ, "REDIS_URL": redis_url, "STREAM": stream, "GROUP": group, "CONSUMER": "node-1"}

    def start() -> subprocess.Popen[str]:
        return subprocess.Popen(
            ["node", "subscriber.mjs"], cwd=node_examples, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8",
        )  # fmt: skip

    first = start()
    try:
        seen = read_lines(first, 3)
    finally:
        first.kill()
        first.wait()
    expected = [{"change": e.change, "article_id": e.article_id, "revision": e.revision, "title": e.title,
                 "href": e.href} for e in sent]  # fmt: skip
    assert seen == expected[:3]  # UTF-8 titles, nulls and all, from the store's own envelope

    # Entries this consumer read and never acknowledged (killed mid-handler) come first next time.
    announce(settings, sent[3:])
    client = redis.Redis.from_url(redis_url)
    client.xreadgroup(group, "node-1", {stream: ">"}, count=1)  # read, never handled: like a crash
    pending = [decode(fields, ArticleStored).article_id for _id, fields in client.xrange(stream)
               if _id in {p["message_id"] for p in client.xpending_range(stream, group, "-", "+", 10)}]  # fmt: skip
    assert pending[-1] == "node-3"
    second = start()
    try:
        later = read_lines(second, len(pending) + 2)
        deadline = time.monotonic() + 10  # the last XACK follows the last line printed
        while client.xpending(stream, group)["pending"] and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        second.kill()
        second.wait()
    assert [line["article_id"] for line in later] == [*pending, "node-4", "node-5"]
    assert later[-3:] == expected[3:]
    assert client.xpending(stream, group)["pending"] == 0  # every event acknowledged after it was handled
    client.close()


def test_the_snippet_in_wire_md_is_the_tested_file() -> None:
    snippet = re.search(r"```js\n(.*?)```", WIRE_MD.read_text(), re.S)
    assert snippet is not None
    source = (EXAMPLES / "subscriber.mjs").read_text()
    for line in snippet.group(1).splitlines():
        if line.strip() and not line.strip().startswith("// ..."):
            assert line in source, f"WIRE.md shows a line subscriber.mjs does not have: {line!r}"
