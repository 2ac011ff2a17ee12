"""Pipeline status from Redis alone: per stage its input stream, group backlog, consumers and rate."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import redis

from services.common.broker import stage_input
from services.common.settings import Settings
from services.common.streamread import as_text, group_backlog

STAGES = ("parse", "enrich", "store")
RATE_WINDOW_S = 60


@dataclass
class Consumer:
    name: str
    pending: int
    idle_s: float


@dataclass
class StageStatus:
    stage: str
    stream: str
    length: int
    pending: int
    backlog: int | None  # pending + unread; None when the group does not exist yet
    done_last_minute: int
    consumers: list[Consumer] = field(default_factory=list)


@dataclass
class Status:
    stages: list[StageStatus]
    dlq: int
    stored_last_minute: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pipeline_status(client: redis.Redis, settings: Settings, now: float | None = None) -> Status:
    """`client` must not decode responses (stream entries are binary)."""
    now = now or time.time()
    outputs = {"parse": settings.stream_parsed, "enrich": settings.stream_enriched, "store": settings.stream_stored}
    stages = []
    for stage in STAGES:
        stream = stage_input(settings, stage)
        groups = _groups(client, stream)
        info = groups.get(stage, {})
        stages.append(
            StageStatus(
                stage=stage,
                stream=stream,
                length=int(client.xlen(stream)),
                pending=int(info.get("pending", 0)),
                backlog=group_backlog(client, stream, stage),
                done_last_minute=_added_since(client, outputs[stage], now - RATE_WINDOW_S),
                consumers=_consumers(client, stream, stage) if info else [],
            )
        )
    return Status(stages, int(client.xlen(settings.stream_dlq)), _added_since(client, settings.stream_stored, now - 60))


def _groups(client: redis.Redis, stream: str) -> dict[str, dict[str, Any]]:
    try:
        return {as_text(g["name"]): g for g in client.xinfo_groups(stream)}
    except redis.ResponseError:
        return {}


def _consumers(client: redis.Redis, stream: str, group: str) -> list[Consumer]:
    return [
        Consumer(as_text(c["name"]), int(c["pending"]), int(c["idle"]) / 1000)
        for c in client.xinfo_consumers(stream, group)
    ]


def _added_since(client: redis.Redis, stream: str, since: float) -> int:
    """Entries added to `stream` after `since` (entry ids carry their time): a stage's output rate."""
    count = 0
    start = f"{int(since * 1000)}-0"
    while True:
        entries = client.xrange(stream, min=start, count=1000) or []
        count += len(entries)
        if len(entries) < 1000:
            return count
        start = "(" + as_text(entries[-1][0])
