"""The parse and enrich cores run in one process over raw articles, as the two stages would in turn:
what evaluations and benches feed to the store."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language

from newsflow_schemas import EnrichedArticle, RawArticle
from services.common.errors import RejectedInput
from services.enrich.core import enrich_many
from services.parse.core import parse


def parsed_and_enriched(raws: Iterable[RawArticle], nlp: Language, model_name: str) -> list[EnrichedArticle]:
    """Each article through parse, then all through enrich_many; what parse refuses (not an article)
    is left out, as the parse stage dead-letters it."""
    parsed = []
    for raw in raws:
        try:
            parsed.append(parse(raw))
        except RejectedInput:
            continue
    return enrich_many(parsed, nlp, model_name)
