"""Paging: limits, and the opaque cursors the list endpoints hand out for their next page."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 10_000  # deep offsets make the database rank everything before them


class BadParameter(ValueError):
    """A query parameter the client must change; the API answers 422 with this message."""


@dataclass(frozen=True)
class Cursor:
    """The sort key of the last item handed out: the next page starts after it."""

    at: datetime
    article_id: str

    def encode(self) -> str:
        raw = json.dumps([self.at.isoformat(), self.article_id]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            at, article_id = json.loads(raw)
            return cls(as_utc(datetime.fromisoformat(at)), str(article_id))
        # Anything can be sent as a cursor: JSON nested past the recursion limit, a time past year 9999.
        except (binascii.Error, ValueError, TypeError, RecursionError, OverflowError) as exc:
            raise BadParameter("cursor: not a cursor this API handed out (take it from a `next` link)") from exc


def as_utc(moment: datetime) -> datetime:
    """Aware, in UTC. SQLite hands back naive datetimes: the store writes UTC there."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class NameCursor:
    """The last entity handed out (name, id), for lists sorted by name."""

    name: str
    entity_id: str

    def encode(self) -> str:
        raw = json.dumps(["name", self.name, self.entity_id]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> NameCursor:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            kind, name, entity_id = json.loads(raw)
            if kind != "name":
                raise ValueError(kind)
            return cls(str(name), str(entity_id))
        except (binascii.Error, ValueError, TypeError, RecursionError) as exc:
            raise BadParameter("cursor: not a cursor this API handed out (take it from a `next` link)") from exc
