"""The store stage's worker: articles.enriched -> database -> articles.stored (see common/pipeline.py)."""

import asyncio
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import structlog

from newsflow_schemas import ArticleStored, EnrichedArticle
from services.common.batch import Outcome
from services.common.errors import RejectedInput
from services.common.metrics import END_TO_END_SECONDS
from services.common.partitions import partition_streams
from services.common.pipeline import STAGE_GROUPS, StageRuntime
from services.common.settings import StoreSettings
from services.common.stage import article_context, utcnow
from services.common.trim import trim_stream

from .announce import Announcer, MergeAnnouncer
from .core import DEFAULT_API_URL, ArticleRows, stored_event, to_rows
from .merge_pass import merge_forever
from .repository import Saved, Store, database_engine
from .schema import require_current

log = structlog.get_logger()


class Writer(Protocol):
    def save_many(self, batch: list[ArticleRows]) -> Sequence[Saved | Exception]: ...
    def mark_announced(self, *article_ids: str) -> None: ...


class Announces(Protocol):
    async def announce(self, event: ArticleStored) -> bool: ...


def build(settings: StoreSettings) -> StageRuntime:
    store = Store(database_engine(settings.database_url))
    announcer = Announcer(settings)

    async def check_schema() -> None:
        await asyncio.to_thread(require_current, store.engine)  # the migration step owns the schema
        log.info("database ready", dialect=store.engine.dialect.name)

    async def process(articles: list[EnrichedArticle]) -> list[Outcome]:
        return await store_batch(articles, store, announcer, utcnow(), settings.public_api_url)

    # The story merge pass runs beside the handler, every NEWSFLOW_STORY_MERGE_INTERVAL_S (merge_pass.py).
    merges = MergeAnnouncer(settings)
    passes: list[asyncio.Task[None]] = []

    async def trim_merged() -> None:
        # The store trims stories.merged too (deliver, which reads it, may not run); finished entries only
        # (trim.py: the deliver group, a stage's, is always waited for).
        if settings.stream_retention_s:
            for stream in partition_streams(settings.stream_merged, settings):
                await trim_stream(
                    merges.client, stream, settings.stream_retention_s, settings.stale_group_s, STAGE_GROUPS
                )

    async def start_merging() -> None:
        if settings.story_merge_interval_s:
            looping = merge_forever(store.engine, merges, settings.story_merge_interval_s, utcnow, trim_merged)
            passes.append(asyncio.create_task(looping))

    async def stop_merging() -> None:
        for task in passes:
            task.cancel()
        await merges.close()

    return StageRuntime(
        process=process,
        on_startup=[check_schema, start_merging],
        on_shutdown=[announcer.close, stop_merging],
        ready=store.ready,
    )


async def store_batch(
    articles: list[EnrichedArticle], store: Writer, announcer: Announces, now: datetime, api_url: str = DEFAULT_API_URL
) -> list[Outcome]:
    """The batch in one transaction, then its events, then one update marking them announced; the
    batch reader acknowledges the entries after this returns.

    Commit, announce (once per revision), mark announced, then ack: a failure at any step raises, so
    the entries stay pending and the steps run again later without a second row or a second event
    (the row is unchanged, the announcer's marker says the event went out, or the mark repeats).
    """
    started = time.perf_counter()
    mapped = [_rows_or_rejection(article, now) for article in articles]
    rows = [m for m in mapped if isinstance(m, ArticleRows)]
    saved = iter(await asyncio.to_thread(store.save_many, rows) if rows else [])
    share = (time.perf_counter() - started) / len(articles)
    outcomes: list[Outcome] = []
    announced: list[str] = []
    for article, mapping in zip(articles, mapped, strict=True):
        result = next(saved) if isinstance(mapping, ArticleRows) else mapping
        if isinstance(result, Exception):
            outcomes.append(result)  # this article's statement failed (or it cannot be stored): only it
            continue
        with article_context(article, seconds=share):
            if result.change != "unchanged":
                placed = (result.story_id, result.duplicate_of)
                event = stored_event(article, result.change, now, result.revision, *placed, api_url=api_url)
                await announcer.announce(event)
                announced.append(article.article_id)
                if article.times.ingested_at:
                    END_TO_END_SECONDS.observe((now - article.times.ingested_at).total_seconds())
            log.info("stored", change=result.change, entities=len(article.entities), story_id=result.story_id)
        outcomes.append(None)
    if announced:
        await asyncio.to_thread(store.mark_announced, *announced)
    return outcomes


def _rows_or_rejection(article: EnrichedArticle, now: datetime) -> ArticleRows | RejectedInput:
    """The article's rows, or why it can never have any: to_rows is pure, so a retry cannot help, and
    the failure stays this article's alone (a date past year 9999 in UTC once failed a whole batch)."""
    try:
        return to_rows(article, now)
    except (ArithmeticError, ValueError) as error:
        log.warning("cannot be stored", article_id=article.article_id, error=f"{type(error).__name__}: {error}")
        return RejectedInput(f"store: the article cannot become rows: {type(error).__name__}: {error}")
