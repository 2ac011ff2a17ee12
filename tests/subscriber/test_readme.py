"""The README's subscriber section followed as a new user would: its install lines in a fresh
virtualenv, its my_subscriber.py as written, run against real Redis; SIGKILLed mid-stream and started
again, it has handled every event, and left nothing pending."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from .conftest import announce, make_events, pending, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]
REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"


def section() -> str:
    text = README.read_text()
    return text.split("### In Python: a client that loses no event", 1)[1].split("\n### ", 1)[0]


def test_the_readme_subscriber_gets_every_event_across_a_sigkill(redis_url: str, stream_prefix: str,
                                                                 tmp_path: Path) -> None:  # fmt: skip
    blocks = re.findall(r"```(\w+)\n(.*?)```", section(), re.S)
    install = next(body for kind, body in blocks if kind == "sh" and "pip install" in body)
    code = next(body for kind, body in blocks if kind == "python")
    run_line = next(body for kind, body in blocks if kind == "sh" and "my_subscriber.py" in body)

    # The install lines, run from the repository as the README says, into a venv of this test's own.
    venv = tmp_path / "sub-venv"
    for line in install.strip().splitlines():
        command = shlex.split(line.replace("sub-venv", str(venv)))
        if command[0] == "python3":
            command[0] = sys.executable
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=400)
        assert result.returncode == 0, f"{line}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    (tmp_path / "my_subscriber.py").write_text(code)
    assert "sub-venv/bin/python my_subscriber.py" in run_line.replace("\\\n", " ")

    stream = f"{stream_prefix}.stored"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    env.update(NEWSFLOW_REDIS_URL=redis_url, NEWSFLOW_STREAM_STORED=stream, PYTHONUNBUFFERED="1")
    out = tmp_path / "out.txt"

    def start() -> subprocess.Popen[bytes]:
        with out.open("ab") as sink:
            return subprocess.Popen([str(venv / "bin" / "python"), "my_subscriber.py"], cwd=tmp_path, env=env,
                                    stdout=sink, stderr=subprocess.STDOUT)  # fmt: skip

    def printed() -> list[str]:
        return [line.split()[1] for line in out.read_text().splitlines() if line.startswith(("created ", "updated "))]

    events = make_events(40, prefix="readme")
    ids = {e.article_id for e in events}
    announce(redis_url, stream, events[:25])  # before the subscriber exists: from_start=True reads them
    first = start()
    wait_until(lambda: len(printed()) >= 8, "the first events printed", details=out.read_text)
    first.send_signal(signal.SIGKILL)  # mid-stream: a batch read, some of it not yet handled
    first.wait()
    killed_after = set(printed())
    assert killed_after < ids
    announce(redis_url, stream, events[25:])  # more arrive while it is down

    second = start()
    try:
        wait_until(lambda: set(printed()) == ids, "every event printed", details=out.read_text)
        wait_until(lambda: pending(redis_url, stream, "my-app") == 0, "every event acknowledged")
    finally:
        second.send_signal(signal.SIGTERM)  # a graceful stop: finishes the event in hand, exits 0
        assert second.wait(timeout=20) == 0, out.read_text()
    assert len(printed()) - len(ids) <= 10  # repeats: only what the kill caught read and unacknowledged
    client = redis.Redis.from_url(redis_url)
    assert not client.exists(f"{stream}.dead.my-app")
    client.close()
