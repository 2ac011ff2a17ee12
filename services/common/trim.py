"""Stream trimming that never drops unfinished work.

XADD MAXLEN and plain XTRIM delete entries whether or not a group has acknowledged them (Redis 7.0
has no ACKED option). So the floor is computed first: below the oldest pending entry and the
last-delivered entry of every group on the stream; only entries under that floor and older than
the retention time are trimmed (XTRIM MINID).

A stale downstream group (idle past NEWSFLOW_STALE_GROUP_S, see groups.py) does not hold the floor:
an abandoned subscriber must not make Redis keep every event forever. The pipeline's own groups
(`own`) always do.
"""

from __future__ import annotations

import time

from redis.exceptions import ResponseError

from .connection import AsyncRedis
from .groups import group_idle_s, is_stale
from .streamread import as_text


def _id(value: bytes | str) -> tuple[int, int]:
    ms, _, seq = as_text(value).partition("-")
    return int(ms), int(seq or 0)


async def safe_trim_floor(
    client: AsyncRedis,
    stream: str,
    retention_s: float,
    stale_after_s: float = 0,
    own: frozenset[str] = frozenset(),
) -> str | None:
    """The MINID to trim `stream` to, or None when there is nothing it may drop."""
    now = time.time()
    floor = (int((now - retention_s) * 1000), 0)
    try:
        groups = await client.xinfo_groups(stream)
    except ResponseError:  # no such stream
        return None
    for group in groups:
        if stale_after_s and as_text(group["name"]) not in own:
            consumers = await client.xinfo_consumers(stream, group["name"])
            if is_stale(group_idle_s(consumers, group["last-delivered-id"], now), stale_after_s):
                continue
        # Entries after last-delivered-id are unread by this group: the floor stays at or below it.
        delivered = _id(group["last-delivered-id"])
        floor = min(floor, (delivered[0], delivered[1] + 1))
        if int(group["pending"]):
            summary = await client.xpending(stream, group["name"])
            floor = min(floor, _id(summary["min"]))
    return None if floor <= (0, 0) else f"{floor[0]}-{floor[1]}"


async def trim_stream(
    client: AsyncRedis, stream: str, retention_s: float, stale_after_s: float = 0, own: frozenset[str] = frozenset()
) -> int:
    """Trim finished entries older than `retention_s`; how many were removed."""
    floor = await safe_trim_floor(client, stream, retention_s, stale_after_s, own)
    if floor is None:
        return 0
    return int(await client.xtrim(stream, minid=floor, approximate=False))
