"""Delivery under faults, with real worker processes: a SIGKILLed worker's article is taken over by
another, SIGTERM finishes the article in hand, and a vanished consumer group is recreated."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from newsflow_schemas import ParsedArticle
from services.common.streamread import read_stream

from .conftest import Pipeline, pipeline_settings, run_pipeline

pytestmark = pytest.mark.integration

# About a second of parsing: long enough to catch a worker in the middle of it.
SLOW_PAGE = "<html><body><article>" + "<p>The council met to discuss the budget and the bridge.</p>\n" * 19_000


@pytest.fixture
def parse_only(redis_url: str, tmp_path: Path) -> Iterator[Pipeline]:
    """Ingest and one parse worker, retrying entries pending over 1 s (instead of 10)."""
    settings = pipeline_settings(redis_url, f"sqlite:///{tmp_path}/unused.db").model_copy(
        update={"retry_idle_ms": 1_000}
    )
    pipelines = run_pipeline(settings, tmp_path / "logs", stages=("ingest", "parse"))
    yield next(pipelines)
    next(pipelines, None)


def parsed(pipeline: Pipeline) -> list[ParsedArticle]:
    binary = redis.Redis.from_url(pipeline.settings.redis_url)
    return list(read_stream(binary, pipeline.settings.stream_parsed, ParsedArticle))


def wait_until_delivered(pipeline: Pipeline, consumer_pid: int) -> str:
    """The entry id once the raw stream's group has handed it to the worker with this pid."""
    stream = pipeline.settings.stream_raw
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for entry in pipeline.redis.xpending_range(stream, "parse", min="-", max="+", count=10):
            if entry["consumer"].endswith(f"-{consumer_pid}"):
                return entry["message_id"]
        time.sleep(0.01)
    pytest.fail("the worker never received the entry")


def test_a_sigkilled_workers_article_is_parsed_by_another_worker(parse_only: Pipeline) -> None:
    first = parse_only.workers.running[-1]
    assert parse_only.submit({"html": SLOW_PAGE, "url": "https://example.com/slow"}).status_code == 202
    entry_id = wait_until_delivered(parse_only, first.process.pid)

    first.process.send_signal(signal.SIGKILL)
    first.process.wait()
    # Killed mid-article: the entry is still pending on the dead consumer.
    [still_pending] = parse_only.redis.xpending_range(parse_only.settings.stream_raw, "parse", "-", "+", 10)
    assert still_pending["message_id"] == entry_id and parsed(parse_only) == []

    parse_only.workers.start("parse")
    parse_only.wait_for(lambda: len(parsed(parse_only)) == 1, "the killed worker's article parsed by another")
    parse_only.wait_for(lambda: parse_only.group_done(parse_only.settings.stream_raw, "parse"), "nothing pending")
    [entry] = parse_only.redis.xpending_range(parse_only.settings.stream_raw, "parse", "-", "+", 10) or [None]
    assert entry is None
    assert parsed(parse_only)[0].url == "https://example.com/slow"


def test_sigterm_finishes_the_article_in_hand_and_exits_0(parse_only: Pipeline) -> None:
    worker = parse_only.workers.running[-1]
    assert parse_only.submit({"html": SLOW_PAGE, "url": "https://example.com/slow"}).status_code == 202
    wait_until_delivered(parse_only, worker.process.pid)

    worker.process.send_signal(signal.SIGTERM)

    assert worker.process.wait(timeout=60) == 0
    assert [p.url for p in parsed(parse_only)] == ["https://example.com/slow"]
    assert parse_only.group_done(parse_only.settings.stream_raw, "parse")


def test_a_vanished_group_is_recreated_and_work_goes_on(parse_only: Pipeline) -> None:
    worker = parse_only.workers.running[-1]
    stream = parse_only.settings.stream_raw
    parse_only.redis.xgroup_destroy(stream, "parse")

    def group_back() -> bool:
        return any(g["name"] == "parse" for g in parse_only.redis.xinfo_groups(stream))

    parse_only.wait_for(group_back, "the worker to recreate its group")
    assert worker.process.poll() is None  # the same process, started afresh
    assert "consumer group vanished" in worker.log_tail(20_000)

    assert parse_only.submit({"text": "TEHRAN - A story after the group came back."}).status_code == 202
    parse_only.wait_for(lambda: len(parsed(parse_only)) == 1, "an article parsed after the group came back")
