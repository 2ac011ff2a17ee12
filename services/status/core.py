"""Pipeline status from Redis alone: per stage its input stream, group backlog, consumers and rate;
and the downstream groups (subscribers) with their pending entries, lag, idle time and staleness."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import redis

from services.common.connection import SyncRedis
from services.common.groups import GroupState, downstream_groups
from services.common.partitions import partition_streams
from services.common.pipeline import STAGE_GROUPS, STREAM_STAGES, StageSpec, stage_streams
from services.common.settings import RedisSettings
from services.common.streamread import as_text, backlog_of

RATE_WINDOW_S = 60


@dataclass
class Consumer:
    name: str
    pending: int
    idle_s: float


@dataclass
class StageStatus:
    """Summed over the partitions of the stage's input stream (named here by its base name)."""

    stage: str
    stream: str
    length: int
    pending: int
    backlog: int | None  # pending + unread; None when the group does not exist yet (on some partition)
    done_last_minute: int
    consumers: list[Consumer] = field(default_factory=list)
    partitions: int = 1


@dataclass
class Status:
    stages: list[StageStatus]
    dlq: int
    stored_last_minute: int
    # Groups on pipeline streams that no stage owns: subscribers (articles.stored's, mostly).
    downstream: list[GroupState] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pipeline_status(client: SyncRedis, settings: RedisSettings, now: float | None = None) -> Status:
    """`client` must not decode responses (stream entries are binary)."""
    now = now or time.time()
    stages = []
    for spec in STREAM_STAGES:
        stage, base = spec.name, spec.input_stream(settings)
        # Every stream it reads (deliver: stories.merged too), each partition of each.
        streams = [s for name in spec.input_streams(settings) for s in partition_streams(name, settings)]
        groups = [_groups(client, stream).get(stage, {}) for stream in streams]
        backlog = backlog_of(client, streams, stage)
        stages.append(
            StageStatus(
                stage=stage,
                stream=base,
                length=sum(int(client.xlen(stream)) for stream in streams),
                pending=sum(int(info.get("pending", 0)) for info in groups),
                backlog=backlog,
                done_last_minute=_done_since(client, spec, settings, now - RATE_WINDOW_S, backlog),
                consumers=_consumers(client, [s for s, info in zip(streams, groups, strict=True) if info], stage),
                partitions=len(partition_streams(base, settings)),
            )
        )
    stored = _added_since(client, settings.stream_stored, settings, now - 60)
    every = {base: partition_streams(base, settings) for base in stage_streams(settings)}
    downstream = downstream_groups(client, every, STAGE_GROUPS, settings.stale_group_s, now)
    return Status(stages, int(client.xlen(settings.stream_dlq)), stored, downstream)


def _done_since(client: SyncRedis, spec: StageSpec, settings: RedisSettings, since: float, backlog: int | None) -> int:
    """What the stage finished since `since`: its output's entries; for a stage that writes no stream,
    its input's entries of that time that it no longer has to do (about: the backlog may be older)."""
    if spec.output is not None:
        return _added_since(client, spec.output_stream(settings), settings, since)
    return max(0, _added_since(client, spec.input_stream(settings), settings, since) - (backlog or 0))


def _groups(client: SyncRedis, stream: str) -> dict[str, dict[str, Any]]:
    try:
        return {as_text(g["name"]): g for g in client.xinfo_groups(stream)}
    except redis.ResponseError:
        return {}


def _consumers(client: SyncRedis, streams: list[str], group: str) -> list[Consumer]:
    """The group's consumers over all partitions (one process reads them all): pending summed, idle the least."""
    merged: dict[str, Consumer] = {}
    for stream in streams:
        for c in client.xinfo_consumers(stream, group):
            name, pending, idle_s = as_text(c["name"]), int(c["pending"]), int(c["idle"]) / 1000
            if seen := merged.get(name):
                seen.pending, seen.idle_s = seen.pending + pending, min(seen.idle_s, idle_s)
            else:
                merged[name] = Consumer(name, pending, idle_s)
    return list(merged.values())


def _added_since(client: SyncRedis, base: str, settings: RedisSettings, since: float) -> int:
    """Entries added to every partition of `base` after `since`: a stage's output rate."""
    return sum(_added_to(client, stream, since) for stream in partition_streams(base, settings))


def _added_to(client: SyncRedis, stream: str, since: float) -> int:
    """Entries added to `stream` after `since` (entry ids carry their time): a stage's output rate."""
    count = 0
    start = f"{int(since * 1000)}-0"
    while True:
        entries = client.xrange(stream, min=start, count=1000) or []
        count += len(entries)
        if len(entries) < 1000:
            return count
        start = "(" + as_text(entries[-1][0])
