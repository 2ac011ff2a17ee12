"""StoryMerged by webhook, with a real deliver worker process on real Redis and PostgreSQL: a subscription
that asked for merges gets each merge of the store's pass once (signed, X-Newsflow-Event: StoryMerged,
retried when the endpoint fails), even when the stream holds the event twice; the article deliveries
go on beside them, and a subscription that did not ask gets none."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from newsflow_harness.rehab import lohan_reports, winehouse_report
from newsflow_schemas import ArticleStored, StoryMerged
from services.common.envelope import DATA_FIELD, envelope
from services.deliver import outbox
from services.deliver.filters import Filters
from services.ingest.auth import signature_problem
from services.store.announce import Announcer, MergeAnnouncer
from services.store.core import stored_event, to_rows
from services.store.merge_pass import run_pass
from services.store.repository import Store, database_engine

from .conftest import Pipeline, pipeline_settings, run_pipeline
from .receiver import Receiver

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
NOW = datetime.now(UTC).replace(microsecond=0)
FAILING_FIRST = 1  # /merges answers 503 to its first POST: the retry delivers it


ARTICLES = [*lohan_reports(NOW), winehouse_report(NOW)]
SUBSCRIPTIONS = {
    "/articles": Filters(),  # ArticleStored only, as before merges could be asked for
    "/merges": Filters(events=["StoryMerged"]),
    "/lohan": Filters(events=["ArticleStored", "StoryMerged"], entity=["Lindsay Lohan"]),
    "/winehouse-merges": Filters(events=["StoryMerged"], entity=["Amy Winehouse"]),  # her story never merges
}


async def announce(pipeline: Pipeline, store: Store) -> list[StoryMerged]:
    """Each article's ArticleStored, then one merge pass, then one merge's event added once more (a
    redelivery the announcer's marker cannot see: deliver must drop it)."""
    settings = pipeline.settings
    articles, merges = Announcer(settings), MergeAnnouncer(settings)
    try:
        for article in ARTICLES:
            await articles.announce(stored_event(article, "created", NOW, 1, f"story-{article.article_id}"))
        done = await run_pass(store.engine, merges, NOW)
        await merges.client.xadd(settings.stream_merged, {DATA_FIELD: await envelope(done.merged[0])})
    finally:
        await articles.close()
        await merges.close()
    return done.merged


def test_a_webhook_that_asked_for_merges_gets_each_once_signed_and_told_apart(
    redis_url: str, new_postgres_database: Any, tmp_path: Path
) -> None:
    settings = pipeline_settings(redis_url, new_postgres_database()).model_copy(
        update={"webhook_retry_s": 0.3, "webhook_max_attempts": 3, "webhook_poll_s": 0.2,
                "subscriptions_refresh_s": 0.2}
    )  # fmt: skip
    receiver = Receiver(failing=lambda path, calls: path == "/merges" and calls <= FAILING_FIRST)
    store = Store(database_engine(settings.database_url), story_threshold=99.0)  # a story per article
    store.create_schema()
    for article in ARTICLES:
        store.save(to_rows(article, NOW))
    secrets = {
        path: outbox.add_subscription(store.engine, f"http://127.0.0.1:{receiver.port}{path}", filters, NOW)["secret"]
        for path, filters in SUBSCRIPTIONS.items()
    }
    pipelines = run_pipeline(settings, tmp_path / "logs", stages=("deliver",))
    pipeline = next(pipelines)
    try:
        merged = asyncio.run(announce(pipeline, store))
        assert sorted(m.article_ids[0] for m in merged) == ["lohan-2", "lohan-3"]
        pipeline.wait_for(
            lambda: (
                pipeline.group_done(settings.stream_merged, "deliver")
                and pipeline.group_done(settings.stream_stored, "deliver")
                and _waiting(store) == 0
            ),
            "every event read and every delivery made",
        )
    finally:
        next(pipelines, None)
        receiver.close()

    merge_bodies = sorted((m.model_dump(mode="json") for m in merged), key=lambda b: b["merge_id"])
    article_ids = [a.article_id for a in ARTICLES]
    got = {path: receiver.by_path(path) for path in SUBSCRIPTIONS}
    # Once each, though the stream held one of them twice, and /merges failed its first POST.
    assert sorted((b for e, b in got["/merges"]), key=lambda b: b["merge_id"]) == merge_bodies
    assert {e for e, _ in got["/merges"]} == {"StoryMerged"}
    assert sorted((e, b["article_id"]) for e, b in got["/articles"]) == [("ArticleStored", a) for a in article_ids]
    lohan = [(e, b.get("article_id") or b["merge_id"]) for e, b in got["/lohan"]]
    assert sorted(lohan) == sorted([("ArticleStored", a) for a in article_ids[:3]] +
                                   [("StoryMerged", m.merge_id) for m in merged])  # fmt: skip
    assert got["/winehouse-merges"] == []
    for path, headers, body in receiver.received:  # every POST signed with its subscription's secret
        assert signature_problem(secrets[path], headers["X-Newsflow-Timestamp"], headers["X-Newsflow-Signature"],
                                 body) is None  # fmt: skip
        model = StoryMerged if headers["X-Newsflow-Event"] == "StoryMerged" else ArticleStored
        model.model_validate_json(body)
    store.engine.dispose()


def _waiting(store: Store) -> int:
    with store.engine.connect() as conn:
        return outbox.waiting(conn)
