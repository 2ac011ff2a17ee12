"""The deliver stage's worker: articles.stored -> webhook deliveries (see common/pipeline.py).

For each event it writes a delivery row per matching subscription (deliver/core.py decides, over the
stored article), in one transaction per batch, before the batch is acknowledged; a sender task in the
same process POSTs them (sender.py). A slow or dead endpoint delays only its own deliveries, never the
stream."""

import asyncio
import time

import structlog
from sqlalchemy import Connection, select

from newsflow_schemas import ArticleStored, EnrichedArticle
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
from .core import Subscription, matching
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

    def enqueue(events: list[ArticleStored]) -> tuple[int, dict[int, str]]:
        with engine.begin() as conn:
            subscriptions = current_subscriptions(conn)
            if not subscriptions:
                return 0, {}
            rows, refused = plan(conn, events, subscriptions)
            outbox.enqueue(conn, rows)
            return len(rows), refused

    async def process(events: list[ArticleStored]) -> list[Outcome]:
        queued, refused = await asyncio.to_thread(enqueue, events)
        for event in events:
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
    ids = [e.article_id for e in events]
    documents = dict(
        conn.execute(select(articles.c.article_id, articles.c.document).where(articles.c.article_id.in_(ids))).all()
    )
    queries = {s.filters.query for s in subscriptions if s.filters.query}
    found = {query: matches(conn, query, ids) for query in queries}
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
