"""How much work waits on the raw stream: what ingest's back-pressure (503 + Retry-After) is based on."""

from __future__ import annotations

import time

from redis.exceptions import ResponseError

from services.common.connection import AsyncRedis
from services.common.streamread import as_text

# One XINFO per request would be cheap, but under a burst the answer is reused for this long.
CACHE_SECONDS = 0.5


class Backlog:
    """Entries of `streams` (the partitions of the raw stream) not yet done by `group`: their lag plus
    their pending entries.

    Not XLEN: without trimming a stream keeps every processed entry, and ingest would refuse forever.
    Before the group exists (no parse worker has started yet) the whole stream is waiting.
    """

    def __init__(self, client: AsyncRedis, streams: list[str], group: str) -> None:
        self.client, self.streams, self.group = client, streams, group
        self._value, self._read_at = 0, float("-inf")

    async def size(self) -> int:
        if time.monotonic() - self._read_at > CACHE_SECONDS:
            self._value, self._read_at = sum([await self._measure(s) for s in self.streams]), time.monotonic()
        return self._value

    async def _measure(self, stream: str) -> int:
        try:
            groups = await self.client.xinfo_groups(stream)
            last_generated = as_text((await self.client.xinfo_stream(stream))["last-generated-id"])
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
            return pending + (int(lag) if lag is not None else int(await self.client.xlen(stream)))
        return int(await self.client.xlen(stream))
