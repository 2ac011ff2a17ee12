"""A consumer-group reader of articles.stored that loses no event.

- It reads in a consumer group of its own, under a consumer name that stays the same across restarts
  (the host name unless told), and starts with its own pending entries: what it had read and not
  finished when it was killed.
- It acknowledges an entry only after the handler returned.
- Entries pending longer than `claim_idle_s` (a dead consumer's, or one whose handler failed) are
  claimed (XAUTOCLAIM) and run again; Redis counts the deliveries, and the delivery that reaches
  `max_failures` goes to the dead-letter stream instead (the entry's data, the reason, the time).
- When the stream was trimmed past what the group had handled (a new group asked to start from the
  beginning of a trimmed stream, or a group away so long that trimming stopped waiting for it), the
  missing events come from the query API (GET /v1/events) first: the current revision of each
  article changed in the gap (moved to another story by a merge counts: the same revision comes
  again with its new story_id).

So every event is handled at least once; an event handled when the process died before its XACK
comes again. Handlers should be idempotent on (article_id, revision), and on story_id as well when
they file articles by story.

`model=StoryMerged` reads the store's story merges instead (stream stories.merged, NEWSFLOW_STREAM_MERGED)
the same way, idempotent on merge_id; a gap there is filled from GET /v1/story-merges.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, TypeAlias

import redis
from pydantic import ValidationError

from newsflow_schemas import ArticleStored, StoryMerged, decode
from newsflow_schemas.wire import DATA_FIELD, NotAnEnvelope

from .backfill import events_between

log = logging.getLogger("newsflow_subscriber")
Handler = Callable[[Any], object]  # takes an ArticleStored, or what `model` says
Event: TypeAlias = ArticleStored | StoryMerged
_STREAM_SETTINGS: dict[type[Event], tuple[str, str]] = {
    ArticleStored: ("NEWSFLOW_STREAM_STORED", "articles.stored"),
    StoryMerged: ("NEWSFLOW_STREAM_MERGED", "stories.merged"),
}
EntryId = tuple[int, int]
Entry = tuple[bytes, dict[bytes, bytes] | None]  # an entry as the binary client returns it (None: trimmed)
_Value = bytes | bytearray | memoryview | str | int | float
Fields = dict[_Value, _Value]  # what XADD takes

# The store stamps updated_at before it commits and announces: an event's entry id comes later than
# the article's updated_at, by the batch's time. Backfill windows reach this far earlier (and a few
# seconds later, for clock differences between the store's host and Redis).
BACKFILL_EARLIER = timedelta(minutes=2)
# A merge is announced by the pass that made it, or by a later one (every few minutes) if Redis was away.
MERGES_EARLIER = timedelta(hours=1)
BACKFILL_LATER = timedelta(seconds=5)


class BackfillUnavailable(RuntimeError):
    """Events are gone from the stream and no query API was given to fetch them from."""


def _read(reply: Any) -> list[Entry]:
    """The entries of an XREADGROUP reply on one stream."""
    return list(reply[0][1]) if reply else []


def _claimed(reply: Any) -> tuple[bytes, list[Entry]]:
    """XAUTOCLAIM's next start id and claimed entries (Redis 7 also lists the deleted ids: dropped)."""
    return reply[0], list(reply[1])


def _parse_id(value: bytes | str) -> EntryId:
    text = value.decode() if isinstance(value, bytes) else value
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


def _id_text(entry_id: EntryId) -> str:
    return f"{entry_id[0]}-{entry_id[1]}"


def _previous(entry_id: EntryId) -> EntryId:
    ms, seq = entry_id
    return (ms, seq - 1) if seq else (ms - 1, 2**64 - 1)


def _next(value: bytes | str) -> EntryId:
    ms, seq = _parse_id(value)
    return (ms, seq + 1)


def _moment(entry_id: EntryId) -> datetime:
    return datetime.fromtimestamp(entry_id[0] / 1000, UTC)


class Subscriber:
    """See the module's description; `subscribe()` builds one and runs it until SIGTERM or SIGINT."""

    def __init__(
        self,
        handler: Handler,
        *,
        group: str,
        from_start: bool = False,
        redis_url: str | None = None,
        stream: str | None = None,
        consumer: str | None = None,
        claim_idle_s: float = 60.0,
        max_failures: int = 5,
        dead_letter_stream: str | None = None,
        api_url: str | None = None,
        api_key: str | None = None,
        batch: int = 10,
        block_s: float = 2.0,
        model: type[Event] = ArticleStored,
    ) -> None:
        if max_failures < 1:
            raise ValueError("max_failures must be at least 1")
        if model not in _STREAM_SETTINGS:
            raise ValueError(f"model must be ArticleStored or StoryMerged, not {model.__name__}")
        self.handler = handler
        self.group = group
        self.from_start = from_start
        self.model = model
        variable, default = _STREAM_SETTINGS[model]
        self.stream = stream or os.environ.get(variable, default)
        self.consumer = consumer or socket.gethostname()
        self.claim_idle_ms = int(claim_idle_s * 1000)
        self.max_failures = max_failures
        self.dead_letter_stream = dead_letter_stream or f"{self.stream}.dead.{group}"
        self.api_url = api_url or os.environ.get("NEWSFLOW_QUERY_API_URL")
        self.api_key = api_key or os.environ.get("NEWSFLOW_QUERY_API_KEY")
        self.batch = batch
        self.block_ms = int(block_s * 1000)
        url = redis_url or os.environ.get("NEWSFLOW_REDIS_URL", "redis://127.0.0.1:6379/0")
        self.redis = redis.Redis.from_url(url)  # responses not decoded: the envelope is binary
        self.stopping = threading.Event()
        self.handled = 0

    # -- running -----------------------------------------------------------------------------------

    def run(self) -> None:
        """Join the group, fill any gap from the query API, finish this consumer's pending entries,
        then read new entries and claim stalled ones until stop()."""
        try:
            self._join()
            self._backfill_gaps()
            self._own_pending()
            claim_every = max(0.5, min(self.claim_idle_ms / 4000, 5.0))
            next_claim = 0.0
            while not self.stopping.is_set():
                if time.monotonic() >= next_claim:
                    self._claim_stalled()
                    next_claim = time.monotonic() + claim_every
                self._read_new()
        finally:
            self.redis.close()

    def stop(self) -> None:
        """Finish the event in hand, then return from run() (within block_s)."""
        self.stopping.set()

    def _join(self) -> None:
        start = "0" if self.from_start else "$"
        try:
            self.redis.xgroup_create(self.stream, self.group, id=start, mkstream=True)
            log.info("consumer group created", extra={"group": self.group, "at": start})
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise
        # Listed at once, so `newsflow status` sees the group read (not stale) while it backfills.
        self.redis.xgroup_createconsumer(self.stream, self.group, self.consumer)

    def _own_pending(self) -> None:
        """What this consumer read before a crash and never acknowledged, oldest first, each once."""
        after: bytes | str = "0"
        while not self.stopping.is_set():
            entries = _read(self.redis.xreadgroup(self.group, self.consumer, {self.stream: after}, count=self.batch))
            if not entries:
                return
            for entry_id, fields in entries:
                self._handle(entry_id, fields)
            after = entries[-1][0]

    def _read_new(self) -> None:
        reply = self.redis.xreadgroup(
            self.group, self.consumer, {self.stream: ">"}, count=self.batch, block=self.block_ms
        )
        for entry_id, fields in _read(reply):
            if self.stopping.is_set():
                return  # read, not started: pending, and first in line at the next start
            self._handle(entry_id, fields)

    def _claim_stalled(self) -> None:
        """Entries pending past claim_idle_s, whoever holds them: a dead consumer's, or a failed one."""
        start: bytes | str = "0-0"
        while not self.stopping.is_set():
            reply = self.redis.xautoclaim(
                self.stream, self.group, self.consumer, self.claim_idle_ms, start_id=start, count=self.batch
            )
            start, entries = _claimed(reply)
            for entry_id, fields in entries:
                self._handle(entry_id, fields)
            if _parse_id(start) == (0, 0):
                return

    # -- one entry ---------------------------------------------------------------------------------

    def _handle(self, entry_id: bytes, fields: dict[bytes, bytes] | None) -> None:
        if not fields:  # trimmed while pending: the gap backfill at start covers it
            self.redis.xack(self.stream, self.group, entry_id)
            return
        try:
            event = decode(fields, self.model)
        except (NotAnEnvelope, ValidationError, ValueError) as error:
            data = fields.get(DATA_FIELD.encode(), b"")
            self._dead_letter(entry_id, data, f"not a valid {self.model.__name__}: {error}")
            return
        try:
            self.handler(event)
        except Exception as error:  # the handler's failure is data here: retried, then dead-lettered
            self._failed(entry_id, fields, error)
            return
        self.redis.xack(self.stream, self.group, entry_id)
        self.handled += 1

    def _failed(self, entry_id: bytes, fields: dict[bytes, bytes], error: Exception) -> None:
        pending = self.redis.xpending_range(self.stream, self.group, min=entry_id, max=entry_id, count=1)
        deliveries = int(pending[0]["times_delivered"]) if pending else 1
        reason = f"handler failed {deliveries} times, last with {type(error).__name__}: {error}"
        if deliveries >= self.max_failures:
            self._dead_letter(entry_id, fields.get(DATA_FIELD.encode(), b""), reason)
        else:
            log.warning("handler failed; retried after claim_idle_s", extra={"entry": entry_id, "reason": reason})

    def _dead_letter(self, entry_id: bytes, data: bytes, reason: str) -> None:
        """The entry to the dead-letter stream and acknowledged, in one transaction."""
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(self.dead_letter_stream, self._letter(data, reason, entry_id.decode()))
            pipe.xack(self.stream, self.group, entry_id)
            pipe.execute()
        log.error("event dead-lettered", extra={"entry": entry_id, "reason": reason})

    def _letter(self, data: bytes, reason: str, entry: str) -> Fields:
        return {
            DATA_FIELD: data,
            "entry_id": entry,
            "stream": self.stream,
            "group": self.group,
            "reason": reason[:1000],
            "failed_at": datetime.now(UTC).isoformat(),
        }

    # -- backfill ----------------------------------------------------------------------------------

    def _backfill_gaps(self) -> None:
        while not self.stopping.is_set():
            gap = self._gap()
            if gap is None:
                return
            done, first = gap
            if not self.api_url:
                raise BackfillUnavailable(
                    f"{self.stream} no longer holds the events after {_id_text(done)} that group {self.group!r} "
                    f"needs (it starts at {_id_text(first)}): give api_url (NEWSFLOW_QUERY_API_URL) to "
                    "fetch them from the query API"
                )
            earlier = MERGES_EARLIER if self.model is StoryMerged else BACKFILL_EARLIER
            after = _moment(done) - earlier if done != (0, 0) else None
            before = _moment(first) + BACKFILL_LATER
            log.info("backfilling from the query API", extra={"after": after, "before": before})
            for event in events_between(self.api_url, self.api_key, after, before, model=self.model):
                if self.stopping.is_set():
                    return  # the gap stays open: the next start backfills it again
                self._handle_backfilled(event)
            self._close_gap(first)

    def _gap(self) -> tuple[EntryId, EntryId] | None:
        """(what the group has finished, the stream's first entry) when trimming removed entries the
        group had not finished; None when the stream still holds everything the group needs.

        Trimming (XTRIM MINID/MAXLEN) removes a prefix: entries-added - length entries are gone, all
        before the first entry. The group's entries-read says how many it has read; when Redis does
        not know it (a group created at 0 or moved by SETID and not read since) the ids decide.
        """
        info = self.redis.xinfo_stream(self.stream)
        gone = int(info["entries-added"]) - int(info["length"])
        if gone == 0:
            return None
        first = _parse_id(info["first-entry"][0]) if info.get("first-entry") else _next(info["last-generated-id"])
        mine = self._group_info()
        done = _parse_id(mine["last-delivered-id"])
        read = mine.get("entries-read")
        missed = int(read) < gone if read is not None else done < _previous(first)
        if int(mine["pending"]):
            oldest = _parse_id(self.redis.xpending(self.stream, self.group)["min"])
            if oldest < first:  # pending entries trimmed away (a stale group's)
                missed, done = True, min(done, _previous(oldest))
        return (done, first) if missed else None

    def _group_info(self) -> dict[str, Any]:
        return next(
            {k: v for k, v in g.items()}
            for g in self.redis.xinfo_groups(self.stream)
            if g["name"].decode() == self.group
        )

    def _handle_backfilled(self, event: Event) -> None:
        """An event from the API has no entry to leave pending: retried here, then dead-lettered."""
        for attempt in range(1, self.max_failures + 1):
            try:
                self.handler(event)
                self.handled += 1
                return
            except Exception as error:  # retried with back-off, then dead-lettered
                if attempt == self.max_failures:
                    reason = f"handler failed {attempt} times, last with {type(error).__name__}: {error}"
                    data = event.model_dump_json().encode()
                    self.redis.xadd(self.dead_letter_stream, self._letter(data, reason, "backfill"))
                    return
                self._touch()
                time.sleep(min(2 ** (attempt - 1), 30))

    def _close_gap(self, first: EntryId) -> None:
        """Forget pending entries that were trimmed, and move the group to just before the first entry
        the stream holds, counting the trimmed ones as read (so Redis knows its position again)."""
        before = _id_text(_previous(first))
        for entry in self.redis.xpending_range(self.stream, self.group, min="-", max=before, count=10_000):
            self.redis.xack(self.stream, self.group, entry["message_id"])
        if _parse_id(self._group_info()["last-delivered-id"]) < _previous(first):
            info = self.redis.xinfo_stream(self.stream)
            gone = int(info["entries-added"]) - int(info["length"])
            self.redis.xgroup_setid(self.stream, self.group, before, entries_read=gone)

    def _touch(self) -> None:
        """Show the group as read while a long backfill runs (XREADGROUP past every id reads nothing)."""
        self.redis.xreadgroup(self.group, self.consumer, {self.stream: f"{2**64 - 1}-{2**64 - 1}"}, count=1)


def subscribe(handler: Handler, *, group: str, from_start: bool = False, **options: Any) -> None:
    """Call `handler(event)` for every ArticleStored event, in the consumer group `group`, until SIGTERM
    or SIGINT (the event in hand is finished first). `from_start`: a new group starts with the oldest
    event (backfilled from the query API when the stream no longer holds it) instead of new ones.

    Options (see Subscriber): model (ArticleStored, or StoryMerged for the store's story merges on
    stories.merged), redis_url (NEWSFLOW_REDIS_URL), stream (NEWSFLOW_STREAM_STORED), consumer
    (one per replica; default the host name), claim_idle_s, max_failures, dead_letter_stream, api_url
    (NEWSFLOW_QUERY_API_URL) and api_key (NEWSFLOW_QUERY_API_KEY) for backfill, batch, block_s.
    """
    subscriber = Subscriber(handler, group=group, from_start=from_start, **options)
    with _stopped_by_signals(subscriber):
        subscriber.run()


@contextmanager
def _stopped_by_signals(subscriber: Subscriber) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only: the caller stops it with stop()
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    for sig in previous:
        signal.signal(sig, lambda _signum, _frame: subscriber.stop())
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
