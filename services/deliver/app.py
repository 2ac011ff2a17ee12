"""The deliver stage's worker: articles.stored and stories.merged -> webhook deliveries (see
common/pipeline.py).

For each event it writes a delivery row per matching subscription (deliver/core.py decides, over the
stored articles), in one transaction per batch, before the batch is acknowledged; a sender task in the
same process POSTs them (sender.py). A slow or dead endpoint delays only its own deliveries, never the
stream. A batch holds events of one stream: ArticleStored, or StoryMerged."""

import asyncio
import time
from typing import Any

import structlog
from sqlalchemy import Connection, select

from newsflow_schemas import ArticleStored, EnrichedArticle, StoryMerged
from services.common.batch import Outcome
from services.common.errors import RejectedInput
from services.common.pipeline import StageRuntime
from services.common.settings import DeliverSettings
from services.common.stage import article_context, utcnow
from services.store.repository import Store, database_engine
from services.store.schema import require_current
from services.store.search import matches
from services.store.tables import articles

from . import outbox
from .core import Subscription, matching, merge_matching
from .sender import Sender

log = structlog.get_logger()


def build(settings: DeliverSettings) -> StageRuntime:
    store = Store(database_engine(settings.database_url))
    engine = store.engine
    sender = Sender(
        engine,
        settings.webhook_timeout_s,
        settings.webhook_max_attempts,
        settings.webhook_retry_s,
        settings.webhook_poll_s,
        settings.webhook_concurrency,
    )
    cache: dict[str, tuple[float, list[Subscription]]] = {}
    tasks: list[asyncio.Task[None]] = []

    def current_subscriptions(conn: Connection) -> list[Subscription]:
        read_at, found = cache.get("all", (0.0, []))
        if time.monotonic() - read_at > settings.subscriptions_refresh_s:
            found = outbox.active_subscriptions(conn)
            cache["all"] = (time.monotonic(), found)
        return found

    def enqueue(events: list[ArticleStored | StoryMerged]) -> tuple[int, dict[int, str]]:
        with engine.begin() as conn:
            subscriptions = current_subscriptions(conn)
            if not subscriptions:
                return 0, {}
            stored = [(n, e) for n, e in enumerate(events) if isinstance(e, ArticleStored)]
            merged = [(n, e) for n, e in enumerate(events) if isinstance(e, StoryMerged)]
            rows, refused = plan(conn, [e for _, e in stored], subscriptions)
            more, refused_merges = plan_merges(conn, [e for _, e in merged], subscriptions)
            outbox.enqueue(conn, rows + more)
            # Back to the events' places in the batch.
            why = {stored[n][0]: reason for n, reason in refused.items()}
            why.update({merged[n][0]: reason for n, reason in refused_merges.items()})
            return len(rows) + len(more), why

    async def process(events: list[ArticleStored | StoryMerged]) -> list[Outcome]:
        queued, refused = await asyncio.to_thread(enqueue, events)
        for event in events:
            if isinstance(event, ArticleStored):
                with article_context(event):  # counts it and its time, as every stage does
                    pass
        if queued:
            log.info("webhook deliveries queued", deliveries=queued, events=len(events))
        return [RejectedInput(refused[n]) if n in refused else None for n in range(len(events))]

    async def check_schema() -> None:
        await asyncio.to_thread(require_current, store.engine)  # the migration step owns the schema

    async def start_sender() -> None:
        tasks.append(asyncio.create_task(sender.run()))

    async def stop_sender() -> None:
        for task in tasks:
            task.cancel()
        await sender.close()

    return StageRuntime(
        process=process, on_startup=[check_schema, start_sender], on_shutdown=[stop_sender], ready=store.reachable
    )


def plan(
    conn: Connection, events: list[ArticleStored], subscriptions: list[Subscription]
) -> tuple[list[dict], dict[int, str]]:
    """The delivery rows of a batch: each event with each subscription its stored article matches; and,
    by the event's place in the batch, why an event could not be matched (dead-lettered alone)."""
    if not events:
        return [], {}
    documents, found = _documents_and_hits(conn, [e.article_id for e in events], subscriptions)
    now = utcnow()
    rows: list[dict] = []
    refused: dict[int, str] = {}
    for n, event in enumerate(events):
        document = documents.get(event.article_id)
        if document is None:  # announced, then gone from the store: nothing to match
            log.warning("stored article not found", article_id=event.article_id)
            continue
        in_text = {query for query, hits in found.items() if event.article_id in hits}
        try:
            article = EnrichedArticle.model_validate(document)
            chosen = matching(event, article, subscriptions, in_text.__contains__)
        except Exception as exc:  # one article's document, whatever is wrong with it, never holds its batch
            refused[n] = f"the stored document cannot be matched against subscriptions: {type(exc).__name__}: {exc}"
            continue
        for subscription in chosen:
            rows.append(outbox.delivery_row(subscription.subscription_id, event.article_id, event.revision,
                                            event.model_dump_json(), now))  # fmt: skip
    return rows, refused


def _documents_and_hits(
    conn: Connection, ids: list[str], subscriptions: list[Subscription]
) -> tuple[dict[str, Any], dict[str, set[str]]]:
    """The stored documents of the articles `ids`, and for each subscription's full-text query which of
    them it finds."""
    documents = dict(
        conn.execute(select(articles.c.article_id, articles.c.document).where(articles.c.article_id.in_(ids))).all()
    )
    queries = {s.filters.query for s in subscriptions if s.filters.query}
    return documents, {query: matches(conn, query, ids) for query in queries}


def plan_merges(
    conn: Connection, merges: list[StoryMerged], subscriptions: list[Subscription]
) -> tuple[list[dict], dict[int, str]]:
    """The delivery rows of a batch of story merges: each merge with each subscription that asked for
    merges and that one of the moved articles matches (core.merge_matching); and, by the merge's place
    in the batch, why a merge could not be matched (dead-lettered alone)."""
    wanting = [s for s in subscriptions if "StoryMerged" in s.filters.events]
    if not merges or not wanting:
        return [], {}
    documents, found = _documents_and_hits(conn, sorted({a for m in merges for a in m.article_ids}), wanting)
    now = utcnow()
    rows: list[dict] = []
    refused: dict[int, str] = {}
    for n, merge in enumerate(merges):
        try:
            moved = [EnrichedArticle.model_validate(documents[a]) for a in merge.article_ids if a in documents]
            chosen = merge_matching(moved, wanting, lambda article_id, query: article_id in found[query])
        except Exception as exc:  # one merge's documents, whatever is wrong with them, never hold its batch
            refused[n] = f"the moved articles cannot be matched against subscriptions: {type(exc).__name__}: {exc}"
            continue
        rows.extend(outbox.merge_row(s.subscription_id, merge, now) for s in chosen)
    return rows, refused
