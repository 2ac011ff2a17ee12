"""StoryMerged deliveries over a real store (SQLite, then PostgreSQL): a merge the store's pass made is
queued for the subscriptions that asked for merges and that one of its moved articles matches, once per
subscription however often the event comes, beside the article deliveries and never in their place."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from newsflow_harness.rehab import lohan_reports, winehouse_report
from newsflow_schemas import ArticleStored, StoryMerged
from services.deliver import outbox
from services.deliver.app import plan, plan_merges
from services.deliver.core import Subscription
from services.deliver.filters import Filters
from services.store.core import to_rows
from services.store.merge_pass import merge_stories
from services.store.repository import Store, database_engine
from services.store.tables import articles, subscriptions, webhook_deliveries

NOW = datetime(2026, 3, 3, 12, tzinfo=UTC)


ARTICLES = [*lohan_reports(NOW), winehouse_report(NOW)]


def subscription(name: str, **filters: object) -> Subscription:
    return Subscription(name, f"http://127.0.0.1:9/{name}", "secret", Filters.model_validate(filters))


SUBSCRIPTIONS = [
    subscription("articles"),  # the default: ArticleStored only
    subscription("merges", events=["StoryMerged"]),
    subscription("both-lohan", events=["ArticleStored", "StoryMerged"], entity=["Lindsay Lohan"]),
    subscription("merges-winehouse", events=["StoryMerged"], entity=["Amy Winehouse"]),  # never moved
    subscription("merges-checks", events=["StoryMerged"], query="checks"),  # lohan-2's title
]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path}/store.db" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    store = Store(database_engine(url), story_threshold=99.0)  # each article a story of its own
    store.create_schema()
    for item in ARTICLES:
        store.save(to_rows(item, NOW))
    with store.engine.begin() as conn:  # the rows the deliveries belong to, under the names above
        conn.execute(
            insert(subscriptions),
            [
                {"subscription_id": s.subscription_id, "url": s.url, "secret": s.secret,
                 "filters": s.filters.model_dump(exclude_defaults=True), "created_at": NOW}
                for s in SUBSCRIPTIONS
            ],
        )  # fmt: skip
    yield store
    store.engine.dispose()


def queue(store: Store, merges: list[StoryMerged], stored: list[ArticleStored]) -> dict[int, str]:
    with store.engine.begin() as conn:
        rows, refused = plan(conn, stored, SUBSCRIPTIONS)
        more, refused_merges = plan_merges(conn, merges, SUBSCRIPTIONS)
        outbox.enqueue(conn, rows + more)
    return {**refused, **refused_merges}


def queued(store: Store) -> list[tuple[str, str, str, int]]:
    with store.engine.connect() as conn:
        query = select(
            webhook_deliveries.c.subscription_id,
            webhook_deliveries.c.event,
            webhook_deliveries.c.article_id,
            webhook_deliveries.c.revision,
        )
        return sorted(tuple(r) for r in conn.execute(query))  # type: ignore[misc]


def test_a_merge_is_queued_once_for_each_subscription_that_wants_it(store: Store) -> None:
    merges = merge_stories(store.engine, NOW)
    assert merges is not None and len(merges) == 2
    by_article = {m.article_ids[0]: m.merge_id for m in merges}
    stored = [ArticleStored(article_id=a.article_id, trace_id="t", change="created") for a in ARTICLES]

    assert queue(store, merges, stored) == {}
    assert queue(store, merges, stored) == {}  # the same events again (a redelivery): nothing more
    expected_merges = [
        ("both-lohan", "StoryMerged", by_article["lohan-2"], 0),
        ("both-lohan", "StoryMerged", by_article["lohan-3"], 0),
        ("merges", "StoryMerged", by_article["lohan-2"], 0),
        ("merges", "StoryMerged", by_article["lohan-3"], 0),
        ("merges-checks", "StoryMerged", by_article["lohan-2"], 0),  # only the merge that moved lohan-2
    ]
    expected_articles = [("articles", "ArticleStored", a.article_id, 1) for a in ARTICLES] + [
        ("both-lohan", "ArticleStored", a, 1) for a in ("lohan-1", "lohan-2", "lohan-3")
    ]
    assert queued(store) == sorted(expected_merges + expected_articles)

    with store.engine.connect() as conn:
        payloads = {
            r.merge_id: StoryMerged.model_validate_json(r.payload)
            for r in conn.execute(
                select(webhook_deliveries.c.article_id.label("merge_id"), webhook_deliveries.c.payload).where(
                    webhook_deliveries.c.event == "StoryMerged"
                )
            )
        }
    assert payloads == {m.merge_id: m for m in merges}  # the event as it is, nothing added


def test_a_merge_whose_moved_document_cannot_be_read_is_refused_alone(store: Store) -> None:
    merges = merge_stories(store.engine, NOW)
    assert merges is not None
    broken = next(n for n, m in enumerate(merges) if m.article_ids == ["lohan-3"])
    with store.engine.begin() as conn:
        conn.execute(update(articles).where(articles.c.article_id == "lohan-3").values(document={"title": 7}))

    refused = queue(store, merges, [])

    assert list(refused) == [broken] and "cannot be matched" in refused[broken]
    assert {r[2] for r in queued(store)} == {m.merge_id for m in merges if m.article_ids == ["lohan-2"]}


def test_a_dead_merge_delivery_is_listed_as_one_and_replayed(store: Store) -> None:
    merges = merge_stories(store.engine, NOW)
    assert merges is not None
    queue(store, merges[:1], [])
    due = outbox.claim_due(store.engine, datetime.now(UTC), datetime.now(UTC) + timedelta(minutes=1), 10)
    [merge_delivery] = [d for d in due if d["subscription_id"] == "merges"]
    assert (merge_delivery["event"], StoryMerged.model_validate_json(merge_delivery["payload"])) == (
        "StoryMerged",
        merges[0],
    )
    outbox.record_failed(store.engine, merge_delivery["delivery_id"], 8, "HTTP 503", None, NOW)

    with store.engine.connect() as conn:
        [dead] = outbox.dead_letters(conn, "merges")
    assert (dead["event"], dead["article_id"], dead["revision"]) == ("StoryMerged", merges[0].merge_id, 0)
    assert outbox.replay(store.engine, "merges", NOW) == 1
