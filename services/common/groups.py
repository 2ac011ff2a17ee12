"""Downstream consumer groups: every group on a pipeline stream that no stage of the pipeline owns
(subscribers of articles.stored, mostly), with its pending entries, lag and idle time.

A downstream group idle longer than NEWSFLOW_STALE_GROUP_S is stale: `status` and the metrics say so,
and trimming stops waiting for it (trim.py), so an abandoned subscriber cannot make Redis keep every
event forever. The pipeline's own groups are never stale: their entries are articles in flight.
A stale group that comes back finds the stream trimmed past it; newsflow_subscriber then fetches what
it missed from the query API (GET /v1/events).

Idle time is that of the group's most recently active consumer (XINFO CONSUMERS); a group without
consumers counts as idle since the time of the last entry it was given (never given one: since ever).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import redis

from .connection import SyncRedis
from .streamread import as_text, group_backlog


@dataclass
class GroupState:
    """One downstream group on a stream (summed over its partitions)."""

    group: str
    stream: str
    pending: int
    lag: int | None  # entries not yet read; None when Redis cannot tell
    idle_s: float | None  # None: never read by anyone
    consumers: int
    stale: bool


def group_idle_s(consumers: Iterable[Mapping[Any, Any]], last_delivered: object, now: float) -> float | None:
    """Seconds since the group was last read (see the module's description)."""
    idles = [int(c["idle"]) / 1000 for c in consumers]
    if idles:
        return min(idles)
    delivered_ms = int(as_text(last_delivered).partition("-")[0])
    return max(0.0, now - delivered_ms / 1000) if delivered_ms else None


def is_stale(idle_s: float | None, stale_after_s: float) -> bool:
    return bool(stale_after_s) and (idle_s is None or idle_s > stale_after_s)


def downstream_groups(
    client: SyncRedis,
    streams: Mapping[str, list[str]],
    own: frozenset[str],
    stale_after_s: float,
    now: float | None = None,
) -> list[GroupState]:
    """The groups on each stream (base name -> its partitions) other than the pipeline's `own`.
    `client` must not decode responses."""
    now = now or time.time()
    found: dict[tuple[str, str], GroupState] = {}
    for base, partitions in streams.items():
        for stream in partitions:
            try:
                groups = client.xinfo_groups(stream)
            except redis.ResponseError:  # no such stream yet
                continue
            for info in groups:
                name = as_text(info["name"])
                if name in own:
                    continue
                consumers = client.xinfo_consumers(stream, name)
                idle = group_idle_s(consumers, info["last-delivered-id"], now)
                backlog = group_backlog(client, stream, name)
                pending = int(info["pending"])
                lag = None if backlog is None else backlog - pending
                state = found.get((base, name))
                if state is None:
                    found[(base, name)] = GroupState(name, base, pending, lag, idle, len(consumers), False)
                else:  # another partition of the same stream
                    state.pending += pending
                    state.lag = None if state.lag is None or lag is None else state.lag + lag
                    state.idle_s = idle if state.idle_s is None else min(state.idle_s, idle or state.idle_s)
                    state.consumers = max(state.consumers, len(consumers))
    for state in found.values():
        state.stale = is_stale(state.idle_s, stale_after_s)
    return sorted(found.values(), key=lambda s: (s.stream, s.group))
