"""The parse stage's worker: articles.raw -> parse() -> articles.parsed (see common/pipeline.py)."""

import structlog

from newsflow_schemas import ParsedArticle, RawArticle
from services.common.batch import each
from services.common.pipeline import StageRuntime
from services.common.settings import RedisSettings
from services.common.stage import article_context, utcnow

from .core import parse

log = structlog.get_logger()


def parse_one(raw: RawArticle) -> ParsedArticle:
    with article_context(raw):
        parsed = parse(raw).stamped("parse", utcnow())
        log.info("parsed", title=parsed.title, chars=len(parsed.body), warnings=parsed.warnings)
        return parsed


def build(_settings: RedisSettings) -> StageRuntime:
    return StageRuntime(process=each(parse_one))
