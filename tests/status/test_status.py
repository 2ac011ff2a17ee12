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

    parse, enrich, store, deliver = status.stages
    assert (parse.length, parse.pending, parse.backlog, parse.done_last_minute) == (5, 2, 5, 1)
    assert [(c.name, c.pending) for c in parse.consumers] == [("worker-1", 2)]
    assert (enrich.length, enrich.backlog, enrich.consumers) == (1, None, [])  # no enrich group yet
    assert (store.length, store.backlog) == (0, None)
    assert (deliver.stream, deliver.backlog) == (settings.stream_stored, None)
    assert status.dlq == 1
    assert status.downstream == []  # only the pipeline's own groups


def test_downstream_groups_show_pending_lag_idle_and_staleness(redis_url: str, stream_prefix: str) -> None:
    settings = Settings(redis_url=redis_url, stale_group_s=3600, **stream_names(stream_prefix))
    client = redis.Redis.from_url(redis_url)
    stored = settings.stream_stored
    for n in range(5):
        client.xadd(stored, {"n": n})
    client.xgroup_create(stored, "deliver", id="$")  # the pipeline's own: not downstream
    client.xgroup_create(stored, "crm", id="0")
    client.xreadgroup("crm", "crm-1", {stored: ">"}, count=3)  # 3 pending, 2 unread
    client.xgroup_create(stored, "archive", id="0")  # created, never read: no consumer

    groups = {g.group: g for g in pipeline_status(client, settings, now=time.time()).downstream}

    assert set(groups) == {"crm", "archive"}
    crm = groups["crm"]
    assert (crm.stream, crm.pending, crm.lag, crm.consumers, crm.stale) == (stored, 3, 2, 1, False)
    assert crm.idle_s is not None and crm.idle_s < 5
    archive = groups["archive"]
    assert (archive.pending, archive.lag, archive.idle_s, archive.stale) == (0, 5, None, True)  # nobody reads it
    later = pipeline_status(client, settings, now=time.time() + 7200).downstream
    assert {g.group: g.stale for g in later} == {"crm": False, "archive": True}  # consumers' idle is Redis's own


def test_deliver_counts_stories_merged_with_its_input_and_merge_subscribers_are_downstream(
    redis_url: str, stream_prefix: str
) -> None:
    settings = Settings(redis_url=redis_url, **stream_names(stream_prefix))
    client = redis.Redis.from_url(redis_url)
    for stream, entries in ((settings.stream_stored, 4), (settings.stream_merged, 2)):
        for n in range(entries):
            client.xadd(stream, {"n": n})
        client.xgroup_create(stream, "deliver", id="0")
    client.xreadgroup("deliver", "deliver-1", {settings.stream_merged: ">"}, count=1)  # 1 pending, 1 unread
    client.xgroup_create(settings.stream_merged, "filer", id="0")  # a subscriber of merges

    status = pipeline_status(client, settings, now=time.time())

    deliver = status.stages[-1]
    assert (deliver.stream, deliver.length, deliver.pending, deliver.backlog) == (settings.stream_stored, 6, 1, 6)
    assert [(c.name, c.pending) for c in deliver.consumers] == [("deliver-1", 1)]
    assert [(g.stream, g.group) for g in status.downstream] == [(settings.stream_merged, "filer")]
