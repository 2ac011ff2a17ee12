"""FastStream wiring of the parse stage: articles.raw -> parse() -> articles.parsed."""

from typing import Final

import structlog

from newsflow_schemas import ParsedArticle, RawArticle
from services.common.batch import consume_batches, each
from services.common.stage import article_context, setup_stage, stage_app, utcnow

from .core import parse

STAGE: Final = "parse"
settings, broker = setup_stage(STAGE)
app = stage_app(broker, settings, STAGE)
log = structlog.get_logger()


def parse_one(raw: RawArticle) -> ParsedArticle:
    with article_context(raw):
        parsed = parse(raw).stamped(STAGE, utcnow())
        log.info("parsed", title=parsed.title, chars=len(parsed.body), warnings=parsed.warnings)
        return parsed


consume_batches(
    broker,
    settings,
    STAGE,
    settings.stream_raw,
    RawArticle,
    settings.stream_parsed,
    each(parse_one),
    out_model=ParsedArticle,
)
