"""FastStream wiring of the enrich stage: articles.parsed -> enrich() -> articles.enriched."""

import time
from functools import cache
from typing import Final

import structlog
from spacy.language import Language

from newsflow_schemas import EnrichedArticle, ParsedArticle
from services.common.batch import Outcome, consume_batches, each
from services.common.stage import article_context, setup_stage, stage_app, utcnow

from .core import enrich, enrich_many
from .language import detect_language
from .model import load_nlp
from .places import country_code

STAGE: Final = "enrich"
settings, broker = setup_stage(STAGE)
app = stage_app(broker, settings, STAGE)
log = structlog.get_logger()


@cache
def nlp() -> Language:
    return load_nlp(settings.spacy_model)


@app.on_startup
async def load_models() -> None:
    # Load before the first article, so a missing model fails the worker at start and not mid-stream.
    pipeline = nlp()
    detect_language("warm up")
    country_code("Paris", "GPE")  # the gazetteer (~1 s, a child process) now, not on the first article
    log.info("model loaded", model=settings.spacy_model, pipes=pipeline.pipe_names)


def enrich_one(parsed: ParsedArticle) -> EnrichedArticle:
    with article_context(parsed):
        enriched = enrich(parsed, nlp(), settings.spacy_model).stamped(STAGE, utcnow())
        log.info("enriched", language=enriched.detected_language, entities=len(enriched.entities))
        return enriched


async def enrich_batch(articles: list[ParsedArticle]) -> list[Outcome]:
    """The batch through nlp.pipe; if it fails, one by one, so that only the bad article fails."""
    started = time.perf_counter()
    try:
        batch = enrich_many(articles, nlp(), settings.spacy_model)
    except Exception as error:  # which article it was is found by the one-by-one pass
        log.warning("batch failed; enriching one by one", error=f"{type(error).__name__}: {error}")
        return await each(enrich_one)(articles)
    share = (time.perf_counter() - started) / len(articles)
    outcomes: list[Outcome] = []
    for enriched in batch:
        with article_context(enriched, seconds=share):
            log.info("enriched", language=enriched.detected_language, entities=len(enriched.entities))
        outcomes.append(enriched.stamped(STAGE, utcnow()))
    return outcomes


consume_batches(
    broker,
    settings,
    STAGE,
    settings.stream_parsed,
    ParsedArticle,
    settings.stream_enriched,
    enrich_batch,
    out_model=EnrichedArticle,
)
