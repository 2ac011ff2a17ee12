"""Store replicas placing at once on PostgreSQL: articles of one event still make one story, and
placements with nothing in common do not wait for each other (placement.lock_placements)."""

from __future__ import annotations

import multiprocessing
import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from newsflow_schemas import EnrichedArticle, Entity
from services.store.core import to_rows
from services.store.placement import _term_shard, lock_placements, placement_keys
from services.store.repository import Store, database_engine
from services.store.tables import stories

NOW = datetime(2026, 9, 8, 12, 0, tzinfo=UTC)
EVENTS = {
    "quake": (("Hiroshi Tanaka", "PERSON"), ("Japan Meteorological Agency", "ORG"), ("Sendai", "GPE")),
    "merger": (("Anna Weber", "PERSON"), ("Rheinmetall", "ORG"), ("Kassel", "GPE")),
    "strike": (("Maria Lopez", "PERSON"), ("Teamsters Local 27", "ORG"), ("Detroit", "GPE")),
}
# More events of the same shape, so that many first articles race.
EVENTS |= {f"event{i}": ((f"Person{i} Name", "PERSON"), (f"Org{i} Corp", "ORG"), (f"Town{i}", "GPE")) for i in range(9)}
REPLICAS = 4
ARTICLES_PER_EVENT = REPLICAS


def event_article(event: str, n: int) -> EnrichedArticle:
    """An article of one event: its names, with different counts and words from its siblings."""
    rng = random.Random(f"{event}{n}")
    names = EVENTS[event]
    words = " ".join(
        rng.choice(("report", "update", "claims", "officials", "hours", "week", "town")) for _ in range(40)
    )
    return EnrichedArticle(
        article_id=f"{event}-{n}",
        trace_id=f"trace-{event}-{n}",
        title=f"{names[0][0]} and {names[1][0]}: {rng.randint(1, 10**6)}",
        body=f"{' '.join(name for name, _ in names)} {n}. {words}",
        fingerprint=f"{n:016x}",
        published_at=datetime(2026, 9, 7, 9 + n % 8, tzinfo=UTC),
        entities=[Entity(name=name, type=type_, mentions=1 + (n + i) % 3) for i, (name, type_) in enumerate(names)],  # type: ignore[arg-type]
    )


def _replica(url: str, articles: list[EnrichedArticle], barrier: multiprocessing.synchronize.Barrier) -> None:
    store = Store(database_engine(url))
    for article in articles:
        barrier.wait()  # every replica stores its article of the same event at the same moment
        store.save_revision(to_rows(article, NOW))
    store.engine.dispose()


def test_replica_processes_storing_one_events_articles_at_once_make_one_story(
    new_postgres_database, article_row, story_with_articles
) -> None:
    url = new_postgres_database()
    setup = Store(database_engine(url))
    setup.create_schema()
    # The names' entity rows exist beforehand (an article of 2020, outside any story window): else
    # inserting the same new entity row would itself make the second transaction wait for the first.
    holder = event_article("quake", 0).model_copy(
        update={
            "article_id": "holder",
            "body": "Only the names, for their entity rows.",
            "published_at": datetime(2020, 1, 1, tzinfo=UTC),
            "entities": [Entity(name=n, type=t, mentions=1) for names in EVENTS.values() for n, t in names],  # type: ignore[arg-type]
        }
    )
    setup.save(to_rows(holder, NOW))
    # Replica n stores article n of every event, the replicas in step: an event's articles reach
    # the database four at a time, before any story of it exists.
    shares = [[event_article(event, n) for event in EVENTS] for n in range(REPLICAS)]
    articles = [article for share in shares for article in share]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(REPLICAS)
    processes = [context.Process(target=_replica, args=(url, share, barrier)) for share in shares]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    with setup.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(stories)).scalar_one() == len(EVENTS) + 1  # + the holder's
    by_event: dict[str, set[str]] = {}
    for article in articles:
        row = article_row(setup, article.article_id)
        by_event.setdefault(article.article_id.rsplit("-", 1)[0], set()).add(row["story_id"])
    assert all(len(ids) == 1 for ids in by_event.values()), by_event
    for (story_id,) in by_event.values():
        assert story_with_articles(setup, story_id)["article_count"] == ARTICLES_PER_EVENT
    setup.engine.dispose()


def test_placements_wait_only_for_those_they_could_meet(new_postgres_database) -> None:
    url = new_postgres_database()
    holder = Store(database_engine(url))
    holder.create_schema()
    impatient = Store(database_engine(url))
    first, sibling, unrelated = event_article("quake", 0), event_article("quake", 1), event_article("merger", 0)
    with holder.engine.begin() as conn:
        lock_placements(conn, [to_rows(first, NOW)])  # a replica in the middle of placing `first`
        with impatient.engine.begin() as other:
            other.exec_driver_sql("SET LOCAL lock_timeout = '300ms'")
            lock_placements(other, [to_rows(unrelated, NOW)])  # nothing in common: no wait
        with pytest.raises(OperationalError, match="lock timeout"), impatient.engine.begin() as other:
            other.exec_driver_sql("SET LOCAL lock_timeout = '300ms'")
            lock_placements(other, [to_rows(sibling, NOW)])  # same event: waits for `first`
    assert impatient.save_revision(to_rows(sibling, NOW)).story_id is not None  # free once it committed
    holder.engine.dispose()
    impatient.engine.dispose()


def test_lock_keys_are_ascending_bigints_without_repeats() -> None:
    batch = [to_rows(event_article("quake", n), NOW) for n in range(3)]
    keys = placement_keys(batch)
    assert keys == sorted(set(keys))
    assert all(-(2**63) <= key < 2**63 for key in keys)
    # Siblings share their heaviest names, so they share keys; an unrelated event shares none.
    assert set(placement_keys(batch[:1])) & set(placement_keys(batch[1:2]))
    assert not set(placement_keys(batch[:1])) & set(placement_keys([to_rows(event_article("strike", 0), NOW)]))


def test_transactions_placing_side_by_side_count_words_in_shards_of_their_own(new_postgres_database) -> None:
    # Every article counts words like "said": were two transactions to update the same count rows,
    # the second would wait for the first's commit (or deadlock, counting in another order).
    url = new_postgres_database()
    first, second = Store(database_engine(url)), Store(database_engine(url))
    first.create_schema()
    with first.engine.begin() as one, second.engine.begin() as two:
        mine = _term_shard(one, "a")
        assert _term_shard(one, "b") == mine  # the same transaction keeps its shard
        assert _term_shard(two, "a") != mine
    with first.engine.begin() as one:
        assert _term_shard(one, "c") == mine  # free again after the commit
    first.engine.dispose()
    second.engine.dispose()
