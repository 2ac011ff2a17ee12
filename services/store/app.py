"""FastStream wiring of the store stage: articles.enriched -> database -> articles.stored."""

import asyncio
from typing import Final

import structlog

from newsflow_schemas import EnrichedArticle
from services.common.broker import consume, out_stream
from services.common.stage import article_context, setup_stage, stage_app, utcnow

from .core import stored_event, to_rows
from .repository import Store, database_engine

STAGE: Final = "store"
settings, broker = setup_stage(STAGE)
app = stage_app(broker, settings, STAGE, also_trim=(settings.stream_stored,))
log = structlog.get_logger()
store = Store(database_engine(settings.database_url))
announce = broker.publisher(stream=out_stream(settings.stream_stored, settings))


@app.on_startup
async def create_schema() -> None:
    await asyncio.to_thread(store.create_schema)
    log.info("database ready", dialect=store.engine.dialect.name)


@consume(broker, settings.stream_enriched, STAGE, settings)
async def on_enriched(article: EnrichedArticle) -> None:
    with article_context(article):
        now = utcnow()
        # Commit first, then announce, then (on return) ack: a crash in between repeats harmlessly.
        change = await asyncio.to_thread(store.save, to_rows(article, now))
        if change != "unchanged":
            await announce.publish(stored_event(article, change, now))
            await asyncio.to_thread(store.mark_announced, article.article_id)
        log.info("stored", change=change, entities=len(article.entities))
