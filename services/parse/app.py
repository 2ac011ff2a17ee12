"""FastStream wiring of the parse stage: articles.raw -> parse() -> articles.parsed."""

from typing import Final

import structlog

from newsflow_schemas import ParsedArticle, RawArticle
from services.common.broker import consume, out_stream
from services.common.stage import article_context, setup_stage, stage_app, utcnow

from .core import parse

STAGE: Final = "parse"
settings, broker = setup_stage(STAGE)
app = stage_app(broker, settings, STAGE)
log = structlog.get_logger()


@consume(broker, settings.stream_raw, STAGE, settings)
@broker.publisher(stream=out_stream(settings.stream_parsed, settings))
async def on_raw(raw: RawArticle) -> ParsedArticle:
    with article_context(raw):
        parsed = parse(raw).stamped(STAGE, utcnow())
        log.info("parsed", title=parsed.title, chars=len(parsed.body), warnings=parsed.warnings)
        return parsed
