"""What the query API's routers share: the state of the app, the key check, a database connection per
request, the paging parameters and the next-page link."""

# No `from __future__ import annotations`: FastAPI reads these annotations when routes are registered.
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy import Connection, Engine

from newsflow_schemas.base import UtcDatetime
from services.common.apikeys import API_KEY_HEADER, KeyRing, presented_key
from services.common.connection import SyncRedis
from services.common.settings import ApiSettings
from services.store.paging import MAX_LIMIT, BadParameter, as_utc

from . import models

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}.")]
CursorParam = Annotated[str | None, Query(description="From the previous page's `next` link.")]
# UtcDatetime: a time with no instant in UTC (0001-01-01T00:00+05:00) is a 422, not a failed query.
Since = Annotated[UtcDatetime | None, Query(description="ISO 8601; inclusive. Without an offset: UTC.")]
Until = Annotated[UtcDatetime | None, Query(description="ISO 8601; exclusive. Without an offset: UTC.")]


def check_interval(name: str, after: datetime | None, before: datetime | None) -> None:
    """A `{name}_after` / `{name}_before` pair (Since, Until) must leave some time between them."""
    if after and before and as_utc(after) >= as_utc(before):
        raise BadParameter(f"{name}_after must be earlier than {name}_before")


@dataclass
class Api:
    """What the routes share: settings, the database, the Redis client for status, the keys."""

    settings: ApiSettings
    engine: Engine
    redis: SyncRedis
    keys: KeyRing


def _api(request: Request) -> Api:
    return request.app.state.api  # type: ignore[no-any-return]


_key_scheme = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="A key the API accepts.")


def require_key(request: Request, _key: Annotated[str | None, Security(_key_scheme)]) -> None:
    if not _api(request).keys.accepts(presented_key(request.headers)):
        raise HTTPException(401, f"missing or wrong API key: send it in the {API_KEY_HEADER} header")


def refuse_nul(request: Request) -> None:
    """PostgreSQL text cannot hold U+0000: a parameter with it would fail its query (a 500); it is the
    client's to change (422), on either database."""
    for name, value in [*request.query_params.multi_items(), *request.path_params.items()]:
        if "\x00" in name or "\x00" in str(value):
            raise BadParameter(f"{name.replace(chr(0), '')}: the NUL character is not allowed")


def connection(request: Request) -> Iterator[Connection]:
    with _api(request).engine.connect() as conn:
        yield conn


Db = Annotated[Connection, Depends(connection)]
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": models.Problem, "description": "No API key, or not one this API accepts."},
    422: {"description": "A parameter the API cannot use; `detail` says which and why."},
}


def _link(request: Request, **params: Any) -> str:
    """The request's own path and query with `params` replaced: the next page's address."""
    return f"{request.url.path}?{request.url.include_query_params(**params).query}"
