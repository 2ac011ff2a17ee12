"""Reading our streams directly with redis-py, for the CLI and tests (workers use FastStream)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

import redis
from pydantic import BaseModel

from .connection import SyncRedis
from .envelope import DATA_FIELD, opened

Model = TypeVar("Model", bound=BaseModel)


def decode_entry(fields: Mapping[Any, Any], model: type[Model]) -> Model:
    return model.model_validate_json(opened(fields[DATA_FIELD.encode()]))


def read_stream(client: SyncRedis, stream: str, model: type[Model], after: str = "-") -> Iterator[Model]:
    """Every entry of `stream` after entry id `after` ("-" for all), decoded as `model`."""
    start = after if after == "-" else f"({after}"
    while True:
        entries = client.xrange(stream, min=start, count=500)
        if not entries:
            return
        for _entry_id, fields in entries:
            yield decode_entry(fields or {}, model)
        start = f"({as_text(entries[-1][0])}"


def last_entry_id(client: SyncRedis, stream: str) -> str:
    """The newest entry id of `stream`, or "0-0" when it is empty or missing."""
    newest = client.xrevrange(stream, count=1)
    if not newest:
        return "0-0"
    return as_text(newest[0][0])


def entries_added(client: SyncRedis, stream: str) -> int:
    """How many entries were ever added to `stream` (survives trimming), 0 when it does not exist."""
    try:
        return int(client.xinfo_stream(stream)["entries-added"])
    except redis.ResponseError:
        return 0


def group_backlog(client: SyncRedis, stream: str, group: str) -> int | None:
    """Entries of `stream` the group has not finished (pending + not yet read); None without the group.

    Redis's own `lag` can be wrong after a restart from the append-only file (seen here: 1652 with
    every entry read), so an up-to-date group counts only its pending entries. `client` must not
    decode responses: XINFO STREAM carries binary entries.
    """
    try:
        groups = client.xinfo_groups(stream)
        last_generated = as_text(client.xinfo_stream(stream)["last-generated-id"])
    except redis.ResponseError:  # no such stream
        return None
    for info in groups:
        if as_text(info["name"]) != group:
            continue
        pending = int(info["pending"])
        if as_text(info["last-delivered-id"]) == last_generated:
            return pending
        lag = info.get("lag")
        return pending + (int(lag) if lag is not None else int(client.xlen(stream)))
    return None


def backlog_of(client: SyncRedis, streams: Iterable[str], group: str) -> int | None:
    """`group_backlog` over every partition of a stream; None while any partition lacks the group."""
    total = 0
    for stream in streams:
        backlog = group_backlog(client, stream, group)
        if backlog is None:
            return None
        total += backlog
    return total


def as_text(value: object) -> str:
    """A Redis reply value as str, whether the client decodes responses or not."""
    return value.decode() if isinstance(value, bytes) else str(value)
