"""How much work waits on the raw stream: what ingest's back-pressure (503 + Retry-After) is based on."""

from __future__ import annotations

import time

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

# One XINFO per request would be cheap, but under a burst the answer is reused for this long.
CACHE_SECONDS = 0.5


class Backlog:
    """Entries of `stream` not yet done by `group`: its lag plus its pending entries.

    Not XLEN: without trimming a stream keeps every processed entry, and ingest would refuse forever.
    Before the group exists (no parse worker has started yet) the whole stream is waiting.
    """

    def __init__(self, client: aioredis.Redis, stream: str, group: str) -> None:
        self.client, self.stream, self.group = client, stream, group
        self._value, self._read_at = 0, float("-inf")

    async def size(self) -> int:
        if time.monotonic() - self._read_at > CACHE_SECONDS:
            self._value, self._read_at = await self._measure(), time.monotonic()
        return self._value

    async def _measure(self) -> int:
        try:
            groups = await self.client.xinfo_groups(self.stream)
        except ResponseError:  # no such stream yet
            return 0
        for info in groups:
            name = info["name"].decode() if isinstance(info["name"], bytes) else info["name"]
            if name == self.group:
                # Redis leaves lag unknown (None) after deletions in the stream; fall back to the length.
                lag = info.get("lag")
                waiting = int(lag) if lag is not None else int(await self.client.xlen(self.stream))
                return waiting + int(info["pending"])
        return int(await self.client.xlen(self.stream))
