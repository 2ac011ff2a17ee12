"""The store handler's order, on a real SQLite store with a recording announcer: commit, announce,
mark announced, and only then hand the entries back for acknowledgement; and what each failing step
leaves behind (no event without a row, no lost event, no second row)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, event, select
from sqlalchemy.exc import OperationalError

from newsflow_schemas import ArticleStored, DeadLetter, EnrichedArticle
from services.common.batch import consume_stage
from services.common.broker import make_broker
from services.common.connection import async_client
from services.common.deadletter import dead_letter_middleware
from services.common.envelope import add_all
from services.common.errors import RejectedInput
from services.common.pipeline import stage
from services.common.settings import Settings, stream_names
from services.common.streamread import read_stream
from services.store.announce import Announcer
from services.store.app import store_batch
from services.store.core import ArticleRows
from services.store.repository import Saved, Store, database_engine
from services.store.tables import articles

from .test_repository import NOW, article


class Recorder:
    """A store and an announcer writing what they did to one log; a step can be made to fail."""

    def __init__(self, store: Store, fail: str | None = None) -> None:
        self.store, self.fail, self.log = store, fail, []
        self.events: list[ArticleStored] = []

    def save_many(self, batch: list[ArticleRows]) -> Sequence[Saved | Exception]:
        if self.fail == "commit":
            raise ConnectionError("database away")
        saved = self.store.save_many(batch)  # returns after the commit
        self.log.append(("commit", [rows.article["article_id"] for rows in batch]))
        return saved

    async def announce(self, event: ArticleStored) -> bool:
        if self.fail == "announce":
            raise ConnectionError("redis away")
        self.events.append(event)
        self.log.append(("announce", event.article_id))
        return True

    def mark_announced(self, *article_ids: str) -> None:
        if self.fail == "mark":
            raise ConnectionError("database away")
        self.store.mark_announced(*article_ids)
        self.log.append(("mark", list(article_ids)))


@pytest.fixture()
def sqlite_store(tmp_path: Path) -> Store:
    store = Store(database_engine(f"sqlite:///{tmp_path}/store.db"))
    store.create_schema()
    return store


BATCH = [article("a1"), article("a2", body="Another letter to the UN.", names=("Antonio Guterres",))]


def run(batch: list[EnrichedArticle], recorder: Recorder) -> list[object]:
    return asyncio.run(store_batch(batch, recorder, recorder, NOW))


def stored_ids(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return sorted(conn.execute(select(articles.c.article_id)).scalars())


def test_commit_then_announce_then_mark_then_the_entries_are_acknowledged(sqlite_store: Store) -> None:
    recorder = Recorder(sqlite_store)
    outcomes = run(BATCH, recorder)
    assert recorder.log == [("commit", ["a1", "a2"]), ("announce", "a1"), ("announce", "a2"), ("mark", ["a1", "a2"])]
    assert outcomes == [None, None]  # None: done, the batch reader acknowledges it
    assert [(e.article_id, e.change, e.revision) for e in recorder.events] == [
        ("a1", "created", 1),
        ("a2", "created", 1),
    ]


def test_a_failed_commit_announces_nothing(sqlite_store: Store) -> None:
    recorder = Recorder(sqlite_store, fail="commit")
    with pytest.raises(ConnectionError):
        run(BATCH, recorder)  # raised: the entries stay pending and are retried
    assert recorder.log == [] and stored_ids(sqlite_store) == []


def test_a_failed_announce_is_announced_on_the_retry_without_a_second_row(sqlite_store: Store) -> None:
    with pytest.raises(ConnectionError):
        run(BATCH, Recorder(sqlite_store, fail="announce"))
    assert stored_ids(sqlite_store) == ["a1", "a2"]  # committed, but not marked announced
    retry = Recorder(sqlite_store)
    assert run(BATCH, retry) == [None, None]
    assert [(e.article_id, e.change, e.revision) for e in retry.events] == [("a1", "created", 1), ("a2", "created", 1)]
    assert stored_ids(sqlite_store) == ["a1", "a2"]


def test_a_failed_mark_repeats_the_same_revisions_event_for_the_announcer_to_drop(sqlite_store: Store) -> None:
    first = Recorder(sqlite_store, fail="mark")
    with pytest.raises(ConnectionError):
        run(BATCH, first)
    retry = Recorder(sqlite_store)
    run(BATCH, retry)
    # The same (article, revision) again: the real announcer's marker key lets only the first one out.
    assert [(e.article_id, e.revision) for e in retry.events] == [(e.article_id, e.revision) for e in first.events]
    assert run(BATCH, Recorder(sqlite_store)) == [None, None]  # marked now: a third delivery announces nothing


def test_an_article_whose_statement_fails_stays_pending_alone(sqlite_store: Store) -> None:
    poison = article("a3", body="bad")
    poison_rows_fail = Recorder(sqlite_store)
    with sqlite_store.engine.begin() as conn:  # the database refuses a3's row, and only it
        conn.exec_driver_sql("CREATE TRIGGER no_a3 BEFORE INSERT ON articles WHEN NEW.article_id = 'a3' "
                             "BEGIN SELECT RAISE(ABORT, 'refused'); END")  # fmt: skip
    outcomes = run([BATCH[0], poison, BATCH[1]], poison_rows_fail)
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], Exception)  # left pending for a retry, alone
    assert [e.article_id for e in poison_rows_fail.events] == ["a1", "a2"]
    assert stored_ids(sqlite_store) == ["a1", "a2"]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_a_date_beyond_utc_fails_only_its_own_article(sqlite_store: Store, moment: datetime) -> None:
    # Written straight to the stream (ingest refuses it): model_copy skips the schema's check.
    poison = article("a3").model_copy(update={"published_at": moment})
    recorder = Recorder(sqlite_store)
    outcomes = run([BATCH[0], poison, BATCH[1]], recorder)
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], RejectedInput)  # no retry can fix it: dead-lettered at once
    assert [e.article_id for e in recorder.events] == ["a1", "a2"]
    assert stored_ids(sqlite_store) == ["a1", "a2"]


def _failing_disk(*at: str) -> Callable[[Store], Store]:
    """The store's disk failing under it: the statements run, then `at` fails (a savepoint's release,
    where pysqlite used to commit; the commit)."""

    def fault(store: Store) -> Store:
        def fail(*_args: object) -> None:
            raise OperationalError("COMMIT", {}, sqlite3.OperationalError("disk I/O error"))

        for step in at:
            event.listen(store.engine, step, fail)
        return store

    return fault


def _read_only(store: Store) -> Store:
    """The same SQLite file opened read-only, as when its file or folder became unwritable."""
    path = store.engine.url.database
    store.engine.dispose()
    return Store(create_engine(f"sqlite:///file:{path}?mode=ro&uri=true"))


@pytest.mark.parametrize(
    ("fault", "error", "rows"),
    [
        (_failing_disk("release_savepoint", "commit"), "disk I/O error", []),
        (_failing_disk("commit"), "disk I/O error", []),
        (_read_only, "readonly database", []),
        # Only the releases fail: the commit keeps the rows, unannounced; their entries stay pending
        # and the retry announces them (a row without its event yet, never an event without a row).
        (_failing_disk("release_savepoint"), "disk I/O error", ["a1", "a2"]),
    ],
    ids=["disk-fails", "commit-fails", "read-only", "releases-fail"],
)
def test_unwritable_store_sends_no_event(
    sqlite_store: Store,
    redis_url: str,
    stream_prefix: str,
    fault: Callable[[Store], Store],
    error: str,
    rows: list[str],
) -> None:
    store = fault(sqlite_store)
    settings = Settings(redis_url=redis_url, **stream_names(stream_prefix))

    async def attempt() -> list[object] | BaseException:
        announcer = Announcer(settings)
        try:
            return await store_batch(BATCH, store, announcer, NOW)
        except Exception as raised:  # a failed commit fails the batch: every entry stays pending
            return raised
        finally:
            await announcer.close()

    result = asyncio.run(attempt())
    failures = [result] if isinstance(result, BaseException) else result
    assert failures and all(isinstance(f, Exception) and error in str(f) for f in failures)  # the real reason
    assert redis.Redis.from_url(redis_url).xlen(settings.stream_stored) == 0  # no event without a row
    assert stored_ids(Store(database_engine(f"sqlite:///{sqlite_store.engine.url.database}"))) == rows
    assert not store.ready()  # /ready fails while writes fail


def test_the_store_is_ready_again_once_a_write_succeeds(sqlite_store: Store) -> None:
    def fail(*_args: object) -> None:
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database or disk is full"))

    event.listen(sqlite_store.engine, "commit", fail)
    with pytest.raises(OperationalError):
        run(BATCH, Recorder(sqlite_store))
    assert not sqlite_store.ready()
    event.remove(sqlite_store.engine, "commit", fail)  # space freed
    assert run(BATCH, Recorder(sqlite_store)) == [None, None]
    assert sqlite_store.ready()


@pytest.mark.parametrize(
    ("fault", "error"),
    [(_read_only, "attempt to write a readonly database"), (_failing_disk("release_savepoint"), "disk I/O error")],
    ids=["read-only", "releases-fail"],
)
def test_an_unwritable_store_dead_letters_with_the_database_error(
    sqlite_store: Store, redis_url: str, stream_prefix: str, fault: Callable[[Store], Store], error: str
) -> None:
    """The store stage's handlers on real Redis (batch reader, retry reader, dead-letter middleware)
    over a database that cannot write: each article is dead-lettered with the database's own reason."""
    store = fault(sqlite_store)
    settings = Settings(redis_url=redis_url, retry_idle_ms=100, max_deliveries=2, polling_interval_ms=20,
                        **stream_names(stream_prefix))  # fmt: skip
    client = redis.Redis.from_url(redis_url)

    async def scenario() -> None:
        writer = async_client(settings)
        await add_all(writer, [settings.stream_enriched], BATCH)
        await writer.aclose()
        client.xgroup_create(settings.stream_enriched, "store", id="0")
        announcer = Announcer(settings)
        broker = make_broker(settings, "store")
        broker.add_middleware(dead_letter_middleware("store", settings.stream_dlq, settings.max_deliveries))
        consume_stage(broker, settings, stage("store"), lambda batch: store_batch(batch, store, announcer, NOW))
        async with broker:
            await broker.start()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and client.xlen(settings.stream_dlq) < len(BATCH):
                await asyncio.sleep(0.05)
        await announcer.close()

    asyncio.run(scenario())
    letters = list(read_stream(client, settings.stream_dlq, DeadLetter))
    assert sorted(letter.article_id or "" for letter in letters) == ["a1", "a2"]
    # The database's own error (it may change between deliveries: a lock left by the failed release).
    assert all("OperationalError" in letter.reason and "zip()" not in letter.reason for letter in letters)
    assert any(error in letter.reason for letter in letters), letters
    assert client.xlen(settings.stream_stored) == 0 and not store.ready()
