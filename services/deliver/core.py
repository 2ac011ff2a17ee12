"""Which subscriptions an event goes to: a pure function of the event, the stored article and the
subscriptions (the full-text part answered by a function the adapter passes in)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from newsflow_schemas import ArticleStored, EnrichedArticle

from .filters import Filters, matches_fields


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    url: str
    secret: str
    filters: Filters


def matching(
    event: ArticleStored,
    article: EnrichedArticle,
    subscriptions: list[Subscription],
    text_matches: Callable[[str], bool],
) -> list[Subscription]:
    """The subscriptions whose filters the article passes; `text_matches(query)` says whether the
    article matches a full-text query, asked only when every other filter passed."""
    return [
        s
        for s in subscriptions
        if matches_fields(s.filters, event, article) and (s.filters.query is None or text_matches(s.filters.query))
    ]
