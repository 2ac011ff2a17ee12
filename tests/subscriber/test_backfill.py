"""Events the stream no longer holds come from the query API (GET /v1/events): a new group that asks for
the start of a trimmed stream, and a group away while trimming went past it, still see every article."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from pydantic import SecretStr

from newsflow_harness.local.servers import serving_app as serving
from newsflow_schemas import ArticleStored, EnrichedArticle
from newsflow_subscriber import Subscriber
from services.api.app import create_app
from services.common.settings import Settings
from services.store.core import stored_event, to_rows
from services.store.repository import Store, database_engine

from .conftest import announce, wait_until

pytestmark = pytest.mark.integration
KEY = "backfill-key"
COUNT = 10


@pytest.fixture()
def history(tmp_path: Path, redis_url: str, stream_prefix: str) -> Iterator[tuple[Settings, str, list[str]]]:
    """COUNT articles stored and announced (ids in order), and the query API over that store."""
    settings = Settings(database_url=f"sqlite:///{tmp_path}/store.db", redis_url=redis_url,
                        stream_stored=f"{stream_prefix}.stored", api_keys=[SecretStr(KEY)])  # fmt: skip
    store = Store(database_engine(settings.database_url))
    store.create_schema()
    events: list[ArticleStored] = []
    start = datetime.now(UTC) - timedelta(seconds=COUNT)
    for n in range(COUNT):
        article = EnrichedArticle(article_id=f"old-{n:02d}", trace_id=f"t{n}", body=f"Article number {n}.",
                                  fingerprint="0" * 16, source="wire", word_count=3)  # fmt: skip
        now = start + timedelta(milliseconds=100 * n)
        saved = store.save_revision(to_rows(article, now))
        events.append(stored_event(article, saved.change, now, saved.revision, saved.story_id))
    store.engine.dispose()
    announce(redis_url, settings.stream_stored, events)
    with serving(create_app(settings)) as url:
        yield settings, url, [e.article_id for e in events]


def trim_to(client: redis.Redis, stream: str, keep: int) -> None:
    entries = client.xrange(stream)
    assert client.xtrim(stream, minid=entries[-keep][0], approximate=False) == len(entries) - keep


def collect(subscriber_options: dict, handled: list[ArticleStored], until: set[str]) -> Subscriber:
    subscriber = Subscriber(handled.append, **subscriber_options)
    thread = threading.Thread(target=subscriber.run, daemon=True)
    thread.start()
    wait_until(lambda: {e.article_id for e in handled} >= until, f"events of {sorted(until)}", timeout=30,
               details=lambda: str(sorted(e.article_id for e in handled)))  # fmt: skip
    time.sleep(0.3)  # anything more would have come by now
    subscriber.stop()
    thread.join(timeout=10)
    return subscriber


def test_a_new_group_from_the_start_of_a_trimmed_stream_gets_every_article(history) -> None:
    settings, url, ids = history
    client = redis.Redis.from_url(settings.redis_url)
    trim_to(client, settings.stream_stored, keep=4)
    handled: list[ArticleStored] = []
    collect(dict(group="archive", from_start=True, redis_url=settings.redis_url, stream=settings.stream_stored,
                 api_url=url, api_key=KEY, block_s=0.1), handled, set(ids))  # fmt: skip

    assert {e.article_id for e in handled} == set(ids)
    backfilled = handled[: len(handled) - 4]
    assert [e.article_id for e in backfilled][:6] == ids[:6]  # oldest first, from the API
    assert all(e.href == f"{settings.public_api_url}/v1/articles/{e.article_id}" for e in handled)
    assert backfilled[0].source == "wire" and backfilled[0].word_count == 3 and backfilled[0].change == "created"
    group = next(g for g in client.xinfo_groups(settings.stream_stored) if g["name"] == b"archive")
    assert int(group["pending"]) == 0 and int(group["entries-read"]) == COUNT  # the gap is closed for good
    client.close()


def test_a_group_away_while_trimming_passed_it_gets_what_it_missed(history) -> None:
    settings, url, ids = history
    stream = settings.stream_stored
    client = redis.Redis.from_url(settings.redis_url)
    client.xgroup_create(stream, "crm", id="0")
    for entry_id, _fields in client.xreadgroup("crm", "crm-1", {stream: ">"}, count=3)[0][1]:
        client.xack(stream, "crm", entry_id)  # handled 3, then went away; one more read and never finished:
    ((unfinished, _),) = client.xreadgroup("crm", "crm-1", {stream: ">"}, count=1)[0][1]
    trim_to(client, stream, keep=3)  # stale: trimming no longer waited for it
    handled: list[ArticleStored] = []
    collect(dict(group="crm", consumer="crm-1", redis_url=settings.redis_url, stream=stream, api_url=url,
                 api_key=KEY, block_s=0.1), handled, set(ids[3:]))  # fmt: skip

    assert {e.article_id for e in handled} >= set(ids[3:])  # the unfinished one and the trimmed ones too
    assert client.xpending(stream, "crm")["pending"] == 0
    assert not client.xrange(stream, min=unfinished, max=unfinished)
    client.close()
