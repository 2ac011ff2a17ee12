"""`newsflow status` numbers from a real Redis with a known state."""

from __future__ import annotations

import time

import redis

from services.common.settings import Settings, stream_names
from services.status.core import pipeline_status


def test_status_counts_length_pending_backlog_consumers_and_output_rate(redis_url: str, stream_prefix: str) -> None:
    settings = Settings(redis_url=redis_url, **stream_names(stream_prefix))
    client = redis.Redis.from_url(redis_url)
    for n in range(5):
        client.xadd(settings.stream_raw, {"n": n})
    client.xgroup_create(settings.stream_raw, "parse", id="0")
    client.xreadgroup("parse", "worker-1", {settings.stream_raw: ">"}, count=2)  # 2 pending, 3 unread
    client.xadd(settings.stream_parsed, {"n": 0})  # parse's output in the last minute
    client.xadd(settings.stream_dlq, {"n": 0})

    status = pipeline_status(client, settings, now=time.time())

    parse, enrich, store = status.stages
    assert (parse.length, parse.pending, parse.backlog, parse.done_last_minute) == (5, 2, 5, 1)
    assert [(c.name, c.pending) for c in parse.consumers] == [("worker-1", 2)]
    assert (enrich.length, enrich.backlog, enrich.consumers) == (1, None, [])  # no enrich group yet
    assert (store.length, store.backlog) == (0, None)
    assert status.dlq == 1
