"""Events the stream no longer holds, from the query API: GET /v1/events, page after page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx

from newsflow_schemas import ArticleStored

ATTEMPTS = 5


def events_between(
    api_url: str, api_key: str | None, after: datetime | None, before: datetime, page_size: int = 100
) -> Iterator[ArticleStored]:
    """The current revision of every article last changed in [after, before), oldest first."""
    params: dict[str, str | int] = {"updated_before": before.isoformat(), "limit": page_size}
    if after is not None:
        params["updated_after"] = after.isoformat()
    headers = {"X-API-Key": api_key} if api_key else {}
    with httpx.Client(base_url=api_url.rstrip("/"), headers=headers, timeout=30) as client:
        url: str | None = "/v1/events"
        while url is not None:
            page = _get(client, url, params)
            params = {}  # the `next` link carries them
            for item in page["items"]:
                yield ArticleStored.model_validate(item)
            url = page["next"]


def _get(client: httpx.Client, url: str, params: dict[str, str | int]) -> dict[str, Any]:
    """One page; an unreachable or overloaded API (5xx) is tried again, a refusal (4xx) raised at once."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            response = client.get(url, params=params)
        except httpx.TransportError:
            if attempt == ATTEMPTS:
                raise
        else:
            if response.status_code < 500 or attempt == ATTEMPTS:
                response.raise_for_status()
                return response.json()  # type: ignore[no-any-return]
        time.sleep(2**attempt)
    raise AssertionError("every attempt returns or raises")
