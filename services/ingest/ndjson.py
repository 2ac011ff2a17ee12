"""A JSON Lines batch on the HTTP API: each line admitted on its own, a bad line refused alone by its number."""

from __future__ import annotations

import uuid
from datetime import datetime

from newsflow_schemas import RawArticle, RejectedLine
from services.common.errors import RejectedInput

from .core import admit, submission_from_json
from .formats.items import Article, Skip
from .formats.jsonlines import parse_line

NDJSON_TYPES = frozenset(
    {"application/x-ndjson", "application/jsonl", "application/json-lines", "application/jsonlines"}
)


def is_ndjson(content_type: str | None) -> bool:
    return (content_type or "").partition(";")[0].strip().lower() in NDJSON_TYPES


def admit_lines(body: bytes, now: datetime, max_chars: int) -> tuple[list[RawArticle], list[RejectedLine]]:
    """The articles of the body's lines, and the lines refused with their reasons (blank lines ignored)."""
    admitted: list[RawArticle] = []
    rejected: list[RejectedLine] = []
    for number, line in enumerate(body.split(b"\n"), 1):
        found = parse_line(line, number, None)
        if found is None:
            continue
        if isinstance(found, Skip):
            rejected.append(RejectedLine(line=number, reason=f"{found.reason}: {found.detail}"))
            continue
        assert isinstance(found, Article)
        try:
            admitted.append(admit(submission_from_json(found.submission), uuid.uuid4().hex, now, max_chars))
        except RejectedInput as exc:
            rejected.append(RejectedLine(line=number, reason=exc.reason))
    return admitted, rejected
