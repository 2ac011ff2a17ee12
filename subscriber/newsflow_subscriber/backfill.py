"""Events the stream no longer holds, from the query API, page after page: GET /v1/events for
ArticleStored, GET /v1/story-merges for StoryMerged."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx

from newsflow_schemas import ArticleStored, StoryMerged

Event = ArticleStored | StoryMerged

ATTEMPTS = 5
# Each kind's route and its [since, until) parameters.
ROUTES: dict[type, tuple[str, str, str]] = {
    ArticleStored: ("/v1/events", "updated_after", "updated_before"),
    StoryMerged: ("/v1/story-merges", "merged_after", "merged_before"),
}


def events_between(
    api_url: str,
    api_key: str | None,
    after: datetime | None,
    before: datetime,
    page_size: int = 100,
    model: type[ArticleStored] | type[StoryMerged] = ArticleStored,
) -> Iterator[Event]:
    """ArticleStored: the current revision of every article last changed in [after, before). StoryMerged:
    every merge made then. Oldest first."""
    path, since, until = ROUTES[model]
    params: dict[str, str | int] = {until: before.isoformat(), "limit": page_size}
    if after is not None:
        params[since] = after.isoformat()
    headers = {"X-API-Key": api_key} if api_key else {}
    with httpx.Client(base_url=api_url.rstrip("/"), headers=headers, timeout=30) as client:
        url: str | None = path
        while url is not None:
            page = _get(client, url, params)
            params = {}  # the `next` link carries them
            for item in page["items"]:
                yield model.model_validate(item)
            url = page["next"]


def _get(client: httpx.Client, url: str, params: dict[str, str | int]) -> dict[str, Any]:
    """One page; an unreachable or overloaded API (5xx) is tried again, a refusal (4xx) raised at once."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            # httpx drops the query of `url` when given params, even none: the `next` link carries its own.
            response = client.get(url, params=params or None)
        except httpx.TransportError:
            if attempt == ATTEMPTS:
                raise
        else:
            if response.status_code < 500 or attempt == ATTEMPTS:
                response.raise_for_status()
                return response.json()  # type: ignore[no-any-return]
        time.sleep(2**attempt)
    raise AssertionError("every attempt returns or raises")
