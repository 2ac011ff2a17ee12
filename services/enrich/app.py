"""FastStream wiring of the enrich stage: articles.parsed -> enrich() -> articles.enriched."""

import structlog
from faststream import FastStream

from newsflow_schemas import EnrichedArticle, ParsedArticle
from services.common.broker import group_stream, out_stream
from services.common.stage import article_context, setup_stage, utcnow

from .core import enrich
from .model import load_nlp

STAGE = "enrich"
settings, broker = setup_stage(STAGE)
app = FastStream(broker)
log = structlog.get_logger()
nlp = None


@app.on_startup
async def load_model() -> None:
    global nlp
    nlp = load_nlp(settings.spacy_model)
    log.info("model loaded", model=settings.spacy_model, pipes=nlp.pipe_names)


@broker.subscriber(stream=group_stream(settings.stream_parsed, STAGE, settings))
@broker.publisher(stream=out_stream(settings.stream_enriched, settings))
async def on_parsed(parsed: ParsedArticle) -> EnrichedArticle:
    with article_context(parsed):
        enriched = enrich(parsed, nlp, settings.spacy_model).stamped(STAGE, utcnow())
        log.info("enriched", language=enriched.detected_language, entities=len(enriched.entities))
        return enriched
