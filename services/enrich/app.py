"""FastStream wiring of the enrich stage: articles.parsed -> enrich() -> articles.enriched."""

from functools import cache
from typing import Final

import structlog
from spacy.language import Language

from newsflow_schemas import EnrichedArticle, ParsedArticle
from services.common.broker import consume, out_stream
from services.common.stage import article_context, setup_stage, stage_app, utcnow

from .core import enrich
from .language import detect_language
from .model import load_nlp

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
    log.info("model loaded", model=settings.spacy_model, pipes=pipeline.pipe_names)


@consume(broker, settings.stream_parsed, STAGE, settings)
@broker.publisher(stream=out_stream(settings.stream_enriched, settings))
async def on_parsed(parsed: ParsedArticle) -> EnrichedArticle:
    with article_context(parsed):
        enriched = enrich(parsed, nlp(), settings.spacy_model).stamped(STAGE, utcnow())
        log.info("enriched", language=enriched.detected_language, entities=len(enriched.entities))
        return enriched
