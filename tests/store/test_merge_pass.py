"""The merge pass on a real store (SQLite, then PostgreSQL): fragments of one event stored as separate
stories are rejoined in one transaction, the merge is recorded once and announced once, a second pass
merges nothing more, and the merged story's id leads readers to the survivor."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import redis
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select
from typer.testing import CliRunner

from newsflow_harness.rehab import lohan_reports, report, winehouse_report
from newsflow_schemas import ArticleStored, EnrichedArticle, Entity, Mention, StoryMerged
from services.api.app import create_app
from services.cli import app as cli
from services.common.settings import Settings, stream_names
from services.common.streamread import read_stream
from services.store import merge_pass, placement, queries
from services.store.announce import MergeAnnouncer
from services.store.core import to_rows
from services.store.events import changed_between
from services.store.merge_pass import apply, merge_forever, merge_stories, run_pass, unannounced
from services.store.merging import Merge
from services.store.paging import as_utc
from services.store.repository import Store
from services.store.tables import articles, stories, story_merges

NOW = datetime(2026, 3, 3, 12, tzinfo=UTC)
LOHAN = lohan_reports(NOW)
WINEHOUSE = winehouse_report(NOW)


def fragmented(store: Store) -> dict[str, str]:
    """Each article stored as a story of its own (placement told to join nothing): article -> story."""
    splitting = Store(store.engine, story_threshold=99.0)
    for item in [*LOHAN, WINEHOUSE]:
        splitting.save(to_rows(item, NOW))
    with store.engine.connect() as conn:
        return dict(conn.execute(select(articles.c.article_id, articles.c.story_id)).all())


class Recorder:
    def __init__(self) -> None:
        self.events: list[StoryMerged] = []
        self.failed = False

    async def announce(self, event: StoryMerged) -> bool:
        self.events.append(event)
        return True


def test_fragments_merge_into_the_oldest_and_a_second_pass_merges_nothing(store: Store) -> None:
    before = fragmented(store)
    assert len(set(before.values())) == 4  # one story per article
    survivor = before["lohan-1"]  # all of one article: the earliest survives

    merged = merge_stories(store.engine, NOW)
    assert merged is not None
    assert sorted((e.story_id, e.into_story_id, tuple(e.article_ids)) for e in merged) == sorted(
        [(before["lohan-2"], survivor, ("lohan-2",)), (before["lohan-3"], survivor, ("lohan-3",))]
    )
    assert merge_stories(store.engine, NOW) == []  # nothing left to merge

    with store.engine.connect() as conn:
        after = dict(conn.execute(select(articles.c.article_id, articles.c.story_id)).all())
        assert {after[a.article_id] for a in LOHAN} == {survivor}
        assert after["winehouse-1"] == before["winehouse-1"]  # a similar event with another person
        rows = {r.story_id: r for r in conn.execute(select(stories))}
        assert rows[survivor].article_count == 3 and rows[survivor].merged_into is None
        first, last = (rows[survivor].first_seen, rows[survivor].last_seen)
        assert (last - first) == timedelta(hours=5)  # the survivor's span covers the merged articles
        for gone in (before["lohan-2"], before["lohan-3"]):
            assert (rows[gone].article_count, rows[gone].merged_into) == (0, survivor)
            assert queries.survivor(conn, gone) == survivor
        assert queries.survivor(conn, survivor) is None
        # Readers: the merged ids are no longer listed; the survivor holds all three articles.
        listed, _ = queries.list_stories(conn, 100, None)
        assert sorted(s["story_id"] for s in listed) == sorted({survivor, before["winehouse-1"]})
        assert queries.count_stories(conn) == 2
        members, _ = queries.list_articles(conn, queries.ArticleFilter(story_id=survivor), "stored", 10, None)
        assert sorted(m["article_id"] for m in members) == ["lohan-1", "lohan-2", "lohan-3"]
        assert conn.execute(select(story_merges.c.merge_id)).scalars().all().__len__() == 2


def test_a_story_profile_sums_its_members_body_words(store: Store) -> None:
    fragmented(store)
    with store.engine.connect() as conn:
        profiles = merge_pass.recent_profiles(conn, NOW)
    assert len(profiles) == 4
    assert all(p.words.get("rehab", 0.0) > 0.0 for p in profiles)  # every title says "rehab"
    assert all(p.leads == () for p in profiles)  # the reports name the person once in their opening


def led_by_lohan() -> EnrichedArticle:
    """The first Lohan report with an opening that names her twice: she is the person it leads with."""
    opening = "Lindsay Lohan checked into rehab. Lindsay Lohan, 21, is at the Betty Ford clinic. "
    spans = [Mention(start=s, end=s + 13, text="Lindsay Lohan") for s in (0, opening.index("Lindsay Lohan, 21"))]
    person = Entity(name="Lindsay Lohan", type="PERSON", mentions=2, surface_forms=["Lindsay Lohan"], spans=spans)
    return LOHAN[0].model_copy(update={"body": opening + LOHAN[0].body, "entities": [person, *LOHAN[0].entities[1:]]})


def test_a_story_profile_lists_the_persons_its_articles_lead_with(store: Store) -> None:
    store.save(to_rows(led_by_lohan(), NOW))
    store.save(to_rows(LOHAN[1], NOW))  # joins the first's story, with no lead of its own
    with store.engine.connect() as conn:
        [profile] = merge_pass.recent_profiles(conn, NOW)
    assert (profile.article_count, profile.leads) == (2, ("lindsay lohan",))


def test_the_pass_announces_each_merge_once_and_marks_it(store: Store) -> None:
    fragmented(store)
    first, second = Recorder(), Recorder()
    done = asyncio.run(run_pass(store.engine, first, NOW))
    assert sorted(e.merge_id for e in first.events) == sorted(e.merge_id for e in done.merged) and len(done.merged) == 2
    assert unannounced(store.engine) == []
    again = asyncio.run(run_pass(store.engine, second, NOW))
    assert (again.merged, again.announced, second.events) == ([], [], [])


def test_a_crash_before_the_mark_reaches_redis_once(
    store: Store, redis_url: str, stream_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fragmented(store)
    settings = Settings(redis_url=redis_url, **stream_names(stream_prefix))

    def crash(*_args: object) -> None:
        raise ConnectionError("database away before the mark")

    async def one_pass() -> merge_pass.PassResult:
        announcer = MergeAnnouncer(settings)
        try:
            return await run_pass(store.engine, announcer, NOW)
        finally:
            await announcer.close()

    with monkeypatch.context() as patched:
        patched.setattr(merge_pass, "mark_announced", crash)
        with pytest.raises(ConnectionError):
            asyncio.run(one_pass())  # committed and announced, never marked
    pending = unannounced(store.engine)
    assert len(pending) == 2
    retried = asyncio.run(one_pass())  # announces the same two merges again: the markers drop them
    assert (retried.merged, sorted(retried.announced)) == ([], sorted(e.merge_id for e in pending))
    assert unannounced(store.engine) == []

    on_redis = list(read_stream(redis.Redis.from_url(redis_url), settings.stream_merged, StoryMerged))
    assert sorted(e.merge_id for e in on_redis) == sorted(e.merge_id for e in pending)
    assert {e.into_story_id for e in on_redis} == {pending[0].into_story_id}
    assert sorted(a for e in on_redis for a in e.article_ids) == ["lohan-2", "lohan-3"]


def test_a_pass_looks_only_at_recent_stories(store: Store) -> None:
    fragmented(store)
    assert merge_stories(store.engine, NOW + timedelta(days=30)) == []
    assert len(merge_stories(store.engine, NOW) or []) == 2


def test_on_postgresql_one_pass_runs_at_a_time(store: Store) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: no lock to take")
    fragmented(store)
    with store.engine.connect() as other:  # another replica's pass, holding the merge lock
        other.execute(select(func.pg_advisory_lock(merge_pass.MERGE_LOCK)))
        assert merge_stories(store.engine, NOW) is None  # skipped: it does not wait
        other.execute(select(func.pg_advisory_unlock(merge_pass.MERGE_LOCK)))
    assert len(merge_stories(store.engine, NOW) or []) == 2


def test_the_worker_loop_survives_a_failed_announce_and_announces_on_the_next_pass(store: Store) -> None:
    fragmented(store)

    class FlakyRedis(Recorder):
        async def announce(self, event: StoryMerged) -> bool:
            if not self.failed:
                self.failed = True
                raise redis.ConnectionError("redis away")
            return await super().announce(event)

    flaky = FlakyRedis()
    trims: list[int] = []

    async def after_pass() -> None:
        trims.append(1)

    async def run_a_while() -> None:
        loop = asyncio.create_task(merge_forever(store.engine, flaky, 0.01, lambda: NOW, after_pass))
        for _ in range(500):
            await asyncio.sleep(0.01)
            if len(flaky.events) == 2 and trims:  # announced, marked, then trimmed
                break
        loop.cancel()

    asyncio.run(run_a_while())
    assert sorted(a for e in flaky.events for a in e.article_ids) == ["lohan-2", "lohan-3"]
    assert unannounced(store.engine) == [] and trims  # the failed pass did not trim; a later one did


def test_newsflow_stories_merge_runs_one_pass_and_says_what_it_merged(
    store: Store, redis_url: str, stream_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = fragmented(store)
    url = store.engine.url.render_as_string(hide_password=False)
    for name, value in {
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "STREAM_MERGED": f"{stream_prefix}.merged",
    }.items():
        monkeypatch.setenv(f"NEWSFLOW_{name}", value)
    everything = ["--lookback-days", "100000"]  # the articles are of March 2026, the pass runs now

    dry = CliRunner().invoke(cli, ["stories", "merge", "--dry-run", "--json", *everything])
    assert dry.exit_code == 0, dry.output
    assert "2 stories would merge" in dry.output and merge_stories(store.engine, NOW, lookback=timedelta(0)) == []
    done = CliRunner().invoke(cli, ["stories", "merge", *everything])
    assert done.exit_code == 0, done.output
    assert f"{before['lohan-2']} -> {before['lohan-1']}  1 article" in done.output and "2 stories merged" in done.output
    assert "0 stories merged" in CliRunner().invoke(cli, ["stories", "merge", *everything]).output
    shown = CliRunner().invoke(cli, ["stories", "show", before["lohan-3"]])
    assert f"was merged into {before['lohan-1']}" in shown.output and "lohan-3" in shown.output
    on_redis = list(read_stream(redis.Redis.from_url(redis_url), f"{stream_prefix}.merged", StoryMerged))
    assert sorted(e.story_id for e in on_redis) == sorted([before["lohan-2"], before["lohan-3"]])


def test_a_later_article_joins_the_survivor_and_a_chain_of_merges_points_at_the_last(store: Store) -> None:
    before = fragmented(store)
    survivor = before["lohan-1"]
    merge_stories(store.engine, NOW)
    later = report("lohan-4", "Lindsay Lohan", 20, "Lohan leaves the Betty Ford clinic", NOW)
    assert store.save_revision(to_rows(later, NOW)).story_id == survivor  # never the emptied stories

    # The survivor merged into another story later: every story merged into it follows, in one hop.
    with store.engine.begin() as conn:
        merged = apply(conn, Merge(survivor, before["winehouse-1"], 0.9, ("rehab",), "test"), NOW)
    assert merged is not None and sorted(merged.article_ids) == ["lohan-1", "lohan-2", "lohan-3", "lohan-4"]
    with store.engine.connect() as conn:
        for gone in (before["lohan-2"], before["lohan-3"], survivor):
            assert queries.survivor(conn, gone) == before["winehouse-1"]
        hops = conn.execute(select(stories.c.merged_into).where(stories.c.story_id == before["lohan-2"])).scalar()
        assert hops == before["winehouse-1"]
        assert queries.story(conn, before["winehouse-1"])["article_count"] == 5  # type: ignore[index]
    # A merge planned against stories that changed since is not applied.
    with store.engine.begin() as conn:
        assert apply(conn, Merge(before["lohan-2"], survivor, 0.9), NOW) is None


def test_an_article_joining_a_story_merged_meanwhile_joins_the_survivor(store: Store) -> None:
    # A placement that chose a story just before a merge committed (or an article re-placed into the
    # story it started) follows merged_into instead of counting itself in an emptied story.
    before = fragmented(store)
    merge_stories(store.engine, NOW)
    survivor, gone = before["lohan-1"], before["lohan-2"]
    late = report("lohan-5", "Lindsay Lohan", 21, "Lohan's rehab stay goes on", NOW)
    features = to_rows(late, NOW).story
    assert features is not None
    with store.engine.begin() as conn:
        assert placement._join(conn, gone, features) == survivor
    with store.engine.connect() as conn:
        assert queries.story(conn, survivor)["article_count"] == 4  # type: ignore[index]
        assert conn.execute(select(stories.c.article_count).where(stories.c.story_id == gone)).scalar() == 0


def feed(store: Store, after: datetime) -> list[ArticleStored]:
    """GET /v1/events's read: the articles changed since `after`, as the change feed gives them."""
    with store.engine.connect() as conn:
        found, _ = changed_between(conn, after, None, 100, None, "http://api")
    return found


def test_moved_articles_come_again_in_the_change_feed_with_their_new_story_and_the_same_revision(
    store: Store,
) -> None:
    before = fragmented(store)
    survivor = before["lohan-1"]
    later = NOW + timedelta(hours=1)
    assert feed(store, later) == []
    merged = merge_stories(store.engine, later)
    assert merged is not None and len(merged) == 2

    moved = feed(store, later)  # only what the merge changed, each once, at its new story
    assert sorted((e.article_id, e.story_id) for e in moved) == [("lohan-2", survivor), ("lohan-3", survivor)]
    # Not a new revision: the same content, created once; the revision's own stored time, not the merge's.
    assert {(e.revision, e.change, e.times.stored_at) for e in moved} == {(1, "created", NOW)}
    with store.engine.connect() as conn:
        rows = {r.article_id: r for r in conn.execute(select(articles))}
    assert {a: (as_utc(r.updated_at), r.revision) for a, r in rows.items()} == {
        "lohan-1": (NOW, 1),  # the survivor's own article did not move
        "lohan-2": (later, 1),
        "lohan-3": (later, 1),
        "winehouse-1": (NOW, 1),
    }


def test_a_merge_never_moves_an_article_back_in_the_change_feed(store: Store) -> None:
    # A pass whose clock reads earlier than an article's last change (stored after the pass began, or
    # a replica's clock behind) leaves its time: a reader past it must not lose the later change.
    fragmented(store)
    assert len(merge_stories(store.engine, NOW - timedelta(minutes=1)) or []) == 2
    with store.engine.connect() as conn:
        assert {as_utc(t) for t in conn.execute(select(articles.c.updated_at)).scalars()} == {NOW}
    assert sorted(e.article_id for e in feed(store, NOW)) == ["lohan-1", "lohan-2", "lohan-3", "winehouse-1"]


def test_get_v1_events_lists_the_moved_articles_under_the_survivor(
    store: Store, redis_url: str, stream_prefix: str
) -> None:
    before = fragmented(store)
    later = NOW + timedelta(hours=1)
    merge_stories(store.engine, later)
    url = store.engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, redis_url=redis_url, api_keys=[SecretStr("k")], **stream_names(stream_prefix))
    with TestClient(create_app(settings)) as client:
        page = client.get("/v1/events", params={"updated_after": later.isoformat()}, headers={"X-API-Key": "k"})
    assert page.status_code == 200, page.text
    assert [(e["article_id"], e["story_id"], e["revision"]) for e in page.json()["items"]] == [
        ("lohan-2", before["lohan-1"], 1),
        ("lohan-3", before["lohan-1"], 1),
    ]
