"""FastStream wiring of the store stage: articles.enriched -> database -> articles.stored."""

import asyncio
from typing import Final

import structlog

from newsflow_schemas import EnrichedArticle
from services.common.broker import consume
from services.common.metrics import END_TO_END_SECONDS
from services.common.stage import article_context, setup_stage, stage_app, utcnow

from .announce import Announcer
from .core import stored_event, to_rows
from .repository import Store, database_engine

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
async def create_schema() -> None:
    await asyncio.to_thread(store.create_schema)
    log.info("database ready", dialect=store.engine.dialect.name)


@consume(broker, settings.stream_enriched, STAGE, settings)
async def on_enriched(article: EnrichedArticle) -> None:
    with article_context(article):
        now = utcnow()
        # Commit, announce (once per revision), mark announced, then (on return) ack: a crash
        # anywhere in between repeats the steps without a second row or a second event.
        change, revision = await asyncio.to_thread(store.save_revision, to_rows(article, now))
        if change != "unchanged":
            await announcer.announce(stored_event(article, change, now, revision))
            await asyncio.to_thread(store.mark_announced, article.article_id)
            if article.times.ingested_at:
                END_TO_END_SECONDS.observe((now - article.times.ingested_at).total_seconds())
        log.info("stored", change=change, entities=len(article.entities))
