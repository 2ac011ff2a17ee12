"""FastStream wiring of the store stage: articles.enriched -> database -> articles.stored."""

import asyncio
import time
from typing import Final

import structlog

from newsflow_schemas import EnrichedArticle
from services.common.batch import Outcome, consume_batches
from services.common.metrics import END_TO_END_SECONDS
from services.common.stage import article_context, setup_stage, stage_app, utcnow

from .announce import Announcer
from .core import stored_event, to_rows
from .repository import Store, database_engine
from .schema import require_current

STAGE: Final = "store"
settings, broker = setup_stage(STAGE)
store = Store(database_engine(settings.database_url))
app = stage_app(broker, settings, STAGE, also_trim=(settings.stream_stored,), ready=store.reachable)
log = structlog.get_logger()
announcer = Announcer(settings)


@app.on_shutdown
async def close_announcer() -> None:
    await announcer.close()


@app.on_startup
async def check_schema() -> None:
    await asyncio.to_thread(require_current, store.engine)  # the migration step owns the schema
    log.info("database ready", dialect=store.engine.dialect.name)


async def store_batch(articles: list[EnrichedArticle]) -> list[Outcome]:
    """The batch in one transaction, then its events, then one update marking them announced.

    Commit, announce (once per revision), mark announced, then ack: a crash anywhere in between
    repeats the steps without a second row or a second event.
    """
    now = utcnow()
    started = time.perf_counter()
    saved = await asyncio.to_thread(store.save_many, [to_rows(article, now) for article in articles])
    share = (time.perf_counter() - started) / len(articles)
    outcomes: list[Outcome] = []
    announced: list[str] = []
    for article, result in zip(articles, saved, strict=True):
        if isinstance(result, Exception):
            outcomes.append(result)  # this article's statement failed: it stays pending
            continue
        with article_context(article, seconds=share):
            if result.change != "unchanged":
                event = stored_event(article, result.change, now, result.revision, result.story_id, result.duplicate_of)
                await announcer.announce(event)
                announced.append(article.article_id)
                if article.times.ingested_at:
                    END_TO_END_SECONDS.observe((now - article.times.ingested_at).total_seconds())
            log.info("stored", change=result.change, entities=len(article.entities), story_id=result.story_id)
        outcomes.append(None)
    if announced:
        await asyncio.to_thread(store.mark_announced, *announced)
    return outcomes


consume_batches(broker, settings, STAGE, settings.stream_enriched, EnrichedArticle, None, store_batch)
