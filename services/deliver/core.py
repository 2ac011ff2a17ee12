"""Which subscriptions an event goes to: a pure function of the event, the stored articles and the
subscriptions (the full-text part answered by a function the adapter passes in)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

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
    """The subscriptions that want ArticleStored and whose filters the article passes;
    `text_matches(query)` says whether the article matches a full-text query, asked only when every
    other filter passed."""
    return [
        s
        for s in subscriptions
        if "ArticleStored" in s.filters.events and _passes(s.filters, event, article, text_matches)
    ]


def merge_matching(
    moved: Sequence[EnrichedArticle],
    subscriptions: list[Subscription],
    text_matches: Callable[[str, str], bool],
) -> list[Subscription]:
    """The subscriptions that want StoryMerged and for which the merge matters: one of the articles it
    `moved` passes their filters (their ArticleStored went there, filed under the merged story), or
    they filter nothing. `text_matches(article_id, query)` as in `matching`."""
    return [
        s
        for s in subscriptions
        if "StoryMerged" in s.filters.events
        and (
            _filters_nothing(s.filters)
            or any(_passes(s.filters, None, a, partial(text_matches, a.article_id)) for a in moved)
        )
    ]


def _passes(
    filters: Filters, event: ArticleStored | None, article: EnrichedArticle, text_matches: Callable[[str], bool]
) -> bool:
    return matches_fields(filters, event, article) and (filters.query is None or text_matches(filters.query))


def _filters_nothing(filters: Filters) -> bool:
    return filters.query is None and not any(
        (filters.entity, filters.topic, filters.country, filters.language, filters.source)
    )
