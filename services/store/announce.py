"""ArticleStored, published once per article revision even when the store is retried.

The store commits, announces, then marks the revision announced in the database. A crash or an
outage between announcing and marking makes the entry run again; a plain publish would then send
the event twice. So the event is added by a Lua script that first sets a marker key for
(article, revision) and adds the entry only if the marker was not there: both happen atomically in
Redis, and with AOF both survive a restart together. The entry is FastStream's own binary envelope,
so subscribers read it like any other.

On a Redis Cluster a script may only touch keys of one slot. The event goes to its article's
partition of articles.stored, and the marker key starts with that stream's name, hash tag included
(`articles.stored.{p2-3}:announced:<article>:<revision>`), so both keys hash to the same slot.
"""

from __future__ import annotations

from typing import Any

from newsflow_schemas import ArticleStored, StoryMerged
from services.common.connection import async_client
from services.common.envelope import envelope
from services.common.partitions import partition_stream
from services.common.settings import RedisSettings

# A retry comes minutes after the first attempt at most; a week is ample and keeps Redis small.
MARKER_TTL_S = 7 * 24 * 3600
_ANNOUNCE_ONCE = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then
  return redis.call('XADD', KEYS[2], '*', '__data__', ARGV[1])
end
return false
"""


class _AnnouncesOnce:
    """Adds an event to its stream once per marker key (the script above); subclasses say which."""

    def __init__(self, settings: RedisSettings) -> None:
        self.client = async_client(settings)
        self.settings = settings
        self.script = self.client.register_script(_ANNOUNCE_ONCE)

    def stream(self, event: Any) -> str:
        raise NotImplementedError

    def marker(self, event: Any) -> str:
        raise NotImplementedError

    async def announce(self, event: Any) -> bool:
        """Add the event to the stream unless it was announced before; whether it was added."""
        entry = await envelope(event)
        added = await self.script(keys=[self.marker(event), self.stream(event)], args=[entry, MARKER_TTL_S])
        return added is not None

    async def close(self) -> None:
        await self.client.aclose()


class Announcer(_AnnouncesOnce):
    """Publishes ArticleStored to settings.stream_stored (the event's partition of it), once per revision."""

    def stream(self, event: ArticleStored) -> str:
        return partition_stream(self.settings.stream_stored, event.article_id, self.settings)

    def marker(self, event: ArticleStored) -> str:
        return f"{self.stream(event)}:announced:{event.article_id}:{event.revision}"


class MergeAnnouncer(_AnnouncesOnce):
    """Publishes StoryMerged to settings.stream_merged once per merge_id: partitioned like articles.stored
    (by the surviving story) when the streams are, so marker and stream share a slot."""

    def stream(self, event: StoryMerged) -> str:
        return partition_stream(self.settings.stream_merged, event.into_story_id, self.settings)

    def marker(self, event: StoryMerged) -> str:
        return f"{self.stream(event)}:announced:{event.merge_id}"
