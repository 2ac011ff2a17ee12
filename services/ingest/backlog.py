"""How much work waits on the raw stream: what ingest's back-pressure (503 + Retry-After) is based on."""

from __future__ import annotations

import time

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from services.common.streamread import as_text

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
            last_generated = as_text((await self.client.xinfo_stream(self.stream))["last-generated-id"])
        except ResponseError:  # no such stream yet
            return 0
        for info in groups:
            if as_text(info["name"]) != self.group:
                continue
            pending = int(info["pending"])
            # Redis's lag can be wrong after a restart from the AOF: an up-to-date group has only pending.
            if as_text(info["last-delivered-id"]) == last_generated:
                return pending
            lag = info.get("lag")
            return pending + (int(lag) if lag is not None else int(await self.client.xlen(self.stream)))
        return int(await self.client.xlen(self.stream))
