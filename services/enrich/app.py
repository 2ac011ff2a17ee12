"""The enrich stage's worker: articles.parsed -> enrich() -> articles.enriched (see common/pipeline.py)."""

import time
from collections.abc import Callable

import structlog
from spacy.language import Language

from newsflow_schemas import EnrichedArticle, ParsedArticle
from services.common.batch import Outcome, ProcessMany, each
from services.common.pipeline import StageRuntime
from services.common.settings import EnrichSettings
from services.common.stage import article_context, utcnow

from .core import enrich, enrich_many
from .language import detect_language
from .model import load_nlp
from .places import country_code

log = structlog.get_logger()


def build(settings: EnrichSettings) -> StageRuntime:
    models: list[Language] = []  # loaded at start-up, before the first article

    def nlp() -> Language:
        if not models:
            models.append(load_nlp(settings.spacy_model))
        return models[0]

    async def load_models() -> None:
        # Load before the first article, so a missing model fails the worker at start and not mid-stream.
        pipeline = nlp()
        detect_language("warm up")
        country_code("Paris", "GPE")  # the gazetteer (~1 s, a child process) now, not on the first article
        log.info("model loaded", model=settings.spacy_model, pipes=pipeline.pipe_names)

    return StageRuntime(process=enrich_batch(nlp, settings.spacy_model), on_startup=[load_models])


def enrich_batch(nlp: Callable[[], Language], model_name: str) -> ProcessMany:
    """The batch through nlp.pipe; if it fails, one by one, so that only the bad article fails."""

    def enrich_one(parsed: ParsedArticle) -> EnrichedArticle:
        with article_context(parsed):
            enriched = enrich(parsed, nlp(), model_name).stamped("enrich", utcnow())
            log.info("enriched", language=enriched.detected_language, entities=len(enriched.entities))
            return enriched

    async def process(articles: list[ParsedArticle]) -> list[Outcome]:
        started = time.perf_counter()
        try:
            batch = enrich_many(articles, nlp(), model_name)
        except Exception as error:  # which article it was is found by the one-by-one pass
            log.warning("batch failed; enriching one by one", error=f"{type(error).__name__}: {error}")
            return await each(enrich_one)(articles)
        share = (time.perf_counter() - started) / len(articles)
        outcomes: list[Outcome] = []
        for enriched in batch:
            with article_context(enriched, seconds=share):
                log.info("enriched", language=enriched.detected_language, entities=len(enriched.entities))
            outcomes.append(enriched.stamped("enrich", utcnow()))
        return outcomes

    return process
