"""Events the stream no longer holds come from the query API (GET /v1/events): a new group that asks for
the start of a trimmed stream, and a group away while trimming went past it, still see every article;
and a reader of stories.merged gets the merges trimmed away from GET /v1/story-merges."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import redis
from pydantic import SecretStr

from newsflow_harness.local.servers import serving_app as serving
from newsflow_schemas import ArticleStored, EnrichedArticle, Entity, StoryMerged
from newsflow_subscriber import Subscriber
from newsflow_subscriber.backfill import events_between
from services.api.app import create_app
from services.common.settings import Settings
from services.store.announce import MergeAnnouncer
from services.store.core import stored_event, to_rows
from services.store.merge_pass import merge_stories, run_pass
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


def fragmented(store: Store, now: datetime) -> None:
    """Three reports of one event, each stored as a story of its own: two merges for the merge pass."""
    splitting = Store(store.engine, story_threshold=99.0)  # placement joins nothing
    for n in range(3):
        article = EnrichedArticle(
            article_id=f"rehab-{n}", trace_id=f"t{n}", title=f"Lindsay Lohan enters rehab, report {n}",
            body=f"Report {n}. " + " ".join(f"word{n}x{k}" for k in range(40)), fingerprint="0" * 16,
            published_at=now - timedelta(hours=5 - n),
            entities=[Entity(name="Lindsay Lohan", type="PERSON", mentions=4, surface_forms=["Lindsay Lohan"]),
                      Entity(name="Betty Ford Center", type="FAC", mentions=2, surface_forms=["Betty Ford Center"])],
        )  # fmt: skip
        splitting.save(to_rows(article, now))


def test_story_merges_trimmed_away_come_from_the_query_api(tmp_path: Path, redis_url: str, stream_prefix: str) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/merges.db", redis_url=redis_url,
                        stream_merged=f"{stream_prefix}.merged", api_keys=[SecretStr(KEY)])  # fmt: skip
    store = Store(database_engine(settings.database_url))
    store.create_schema()
    now = datetime.now(UTC)  # merges are made now and announced now, as in production
    fragmented(store, now)  # three fragments of one event: two merges to make

    async def merge_and_announce() -> list[StoryMerged]:
        announcer = MergeAnnouncer(settings)
        try:
            return (await run_pass(store.engine, announcer, now)).merged
        finally:
            await announcer.close()

    merges = asyncio.run(merge_and_announce())
    store.engine.dispose()
    assert len(merges) == 2
    client = redis.Redis.from_url(redis_url)
    trim_to(client, settings.stream_merged, keep=1)  # the first merge is gone from the stream
    handled: list[StoryMerged] = []
    with serving(create_app(settings)) as url:
        subscriber = Subscriber(handled.append, group="filer", redis_url=redis_url, stream=settings.stream_merged,
                                from_start=True, model=StoryMerged, api_url=url, api_key=KEY, block_s=0.1)  # fmt: skip
        thread = threading.Thread(target=subscriber.run, daemon=True)
        thread.start()

        def group() -> dict:
            return next(g for g in client.xinfo_groups(settings.stream_merged) if g["name"] == b"filer")

        # Both merges handled, and the stream's own entry read and acknowledged: the gap is closed.
        wait_until(lambda: {m.merge_id for m in handled} >= {m.merge_id for m in merges}, "both merges", timeout=30)
        wait_until(lambda: (group()["entries-read"], group()["pending"]) == (2, 0), "the stream read", timeout=30)
        subscriber.stop()
        thread.join(timeout=10)
    assert merges[0] in handled  # trimmed from the stream: from the API, as it was announced
    assert {m.merge_id for m in handled} == {m.merge_id for m in merges}  # at least once, nothing else
    client.close()


def test_the_story_merges_route_pages_oldest_first_and_refuses_a_backwards_range(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/merges.db", api_keys=[SecretStr(KEY)])
    store = Store(database_engine(settings.database_url))
    store.create_schema()
    fragmented(store, datetime(2026, 3, 3, 12, tzinfo=UTC))
    merges = merge_stories(store.engine, datetime(2026, 3, 3, 12, tzinfo=UTC)) or []
    store.engine.dispose()
    with serving(create_app(settings)) as url:
        seen = [m.merge_id for m in events_between(url, KEY, None, datetime.now(UTC), page_size=1, model=StoryMerged)]
        assert seen == sorted(m.merge_id for m in merges) and len(seen) == 2  # one time: by merge_id; pages of one
        later = list(events_between(url, KEY, datetime.now(UTC), datetime.now(UTC) + timedelta(1), model=StoryMerged))
        assert later == []
        backwards = httpx.get(f"{url}/v1/story-merges", params={"merged_after": "2026-03-04", "merged_before":
                              "2026-03-03"}, headers={"X-API-Key": KEY})  # fmt: skip
        assert backwards.status_code == 422 and "earlier" in backwards.text


def test_backfill_follows_next_links_page_after_page(history) -> None:
    _settings, url, ids = history
    paged = [e.article_id for e in events_between(url, KEY, None, datetime.now(UTC), page_size=3)]
    assert paged == ids  # four pages of three: each article once, oldest first
