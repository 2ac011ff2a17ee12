"""`newsflow bench --store-scaling`: store replicas vs throughput on PostgreSQL, with the store alone.

The enrich stage's output is made once in this process (parse + enrich over every distinct article of
the dev sets: no two the same, so replicas are not lined up behind copies of one text), then replayed
into the enriched stream of a pipeline that runs only store workers: 1, 2, 4 replicas, each layout on
a fresh database. Articles per second count from the first entry added to the last article stored.
Each layout's stories are checked against concurrency's typical damage: an article in no story,
a story whose article_count disagrees with its articles, an original's copy in another story.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from newsflow_harness.cores import parsed_and_enriched
from newsflow_harness.evaluation.devsets import load_set
from newsflow_harness.local.workers import Workers
from newsflow_schemas import EnrichedArticle, RawArticle
from services.common.connection import async_client
from services.common.envelope import add_all
from services.common.partitions import partition_streams
from services.common.settings import Settings
from services.enrich.model import load_nlp
from services.store.repository import Store, database_engine
from services.store.tables import articles, stories

from .pipeline import bench_settings, fresh_database, wait_stored

REPLICAS = (1, 2, 4)
DEV_SETS = ("extraction-dev", "fundus-dev", "readability-dev")
FETCHED_AT = datetime(2026, 9, 8, tzinfo=UTC)


@dataclass
class StoreScaling:
    replicas: int
    articles: int
    seconds: float
    stories: int
    unplaced: int  # articles with entities but no story
    miscounted: int  # stories whose article_count is not their number of articles
    copies_elsewhere: int  # near-duplicates not in their original's story

    @property
    def per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


def distinct_articles(corpus: Path, limit: int) -> list[RawArticle]:
    """Every page of the dev sets and every stories-dev text, as scrapers would hand them over."""
    raws = [
        RawArticle(
            article_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{name}/{page.name}").hex,
            trace_id="bench",
            content=page.html,
            content_type="html",
            url=page.url,
            fetched_at=page.fetched_at or FETCHED_AT,
        )
        for name in DEV_SETS
        for page in load_set(name, corpus)
    ]
    stories_dev = corpus / "stories-dev" / "ecbplus-dev.jsonl"
    if stories_dev.is_file():
        for line in stories_dev.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            raws.append(
                RawArticle(
                    article_id=uuid.uuid5(uuid.NAMESPACE_URL, f"ecb/{row['id']}").hex,
                    trace_id="bench",
                    content=row["text"],
                    content_type="text",
                    fetched_at=FETCHED_AT,
                )
            )
    return raws[:limit]


def enriched(raws: list[RawArticle], model: str) -> list[EnrichedArticle]:
    """What the enrich stage would publish for each article (pages that are not articles left out)."""
    return parsed_and_enriched(raws, load_nlp(model), model)


def run_store_scaling(
    redis_url: str, postgres_url: str, messages: list[EnrichedArticle], log_root: Path
) -> list[StoreScaling]:
    results = []
    for replicas in REPLICAS:
        settings = bench_settings(redis_url, fresh_database(postgres_url)).model_copy(update={"log_level": "INFO"})
        workers = Workers(settings, log_root / f"store-scaling-{replicas}-{uuid.uuid4().hex[:6]}")
        store = Store(database_engine(settings.database_url))
        try:
            workers.start_all({"store": replicas}, stages=("store",))
            started = time.monotonic()
            asyncio.run(_replay(settings, messages))
            wait_stored(store, len(messages), timeout=1800)
            seconds = time.monotonic() - started
        finally:
            workers.stop_all()
        results.append(_checked(store, replicas, len(messages), seconds))
        store.engine.dispose()
    return results


async def _replay(settings: Settings, messages: list[EnrichedArticle]) -> None:
    client = async_client(settings)
    try:
        streams = partition_streams(settings.stream_enriched, settings)
        for start in range(0, len(messages), 200):
            await add_all(client, streams, messages[start : start + 200])
    finally:
        await client.aclose()


def _checked(store: Store, replicas: int, count: int, seconds: float) -> StoreScaling:
    original = aliased(articles)
    with store.engine.connect() as conn:
        story_count = conn.execute(select(func.count()).select_from(stories)).scalar_one()
        unplaced = conn.execute(
            select(func.count()).select_from(articles).where(articles.c.story_id.is_(None))
        ).scalar_one()
        members = select(articles.c.story_id, func.count().label("n")).group_by(articles.c.story_id).subquery()
        miscounted = conn.execute(
            select(func.count())
            .select_from(stories.join(members, members.c.story_id == stories.c.story_id))
            .where(members.c.n != stories.c.article_count)
        ).scalar_one()
        elsewhere = conn.execute(
            select(func.count())
            .select_from(articles.join(original, original.c.article_id == articles.c.duplicate_of))
            .where(articles.c.story_id != original.c.story_id)
        ).scalar_one()
    return StoreScaling(replicas, count, seconds, story_count, unplaced, miscounted, elsewhere)
