"""Stream entries as anyone can write them: an entry FastStream cannot open (garbled envelope, body not
UTF-8 JSON, JSON nested past the recursion limit, a header not UTF-8, no `__data__`) is replaced, before
FastStream's parser sees it, by a readable stand-in saying why; the stage dead-letters that stand-in
alone. Without this one such entry failed the decoding of its whole batch, and the good entries beside
it waited for the one-by-one retries.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from faststream.redis.parser.binary import BinaryMessageFormatV1

from .envelope import DATA_FIELD

UNREADABLE = "__unreadable__"  # the stand-in's key holding why the entry could not be read
PAYLOAD = "__payload__"  # and its key holding what the entry held, as text
MAX_PAYLOAD_CHARS = 100_000
MAX_JSON_DEPTH = 100  # our messages nest 6 deep  # enough to see what the entry was; a dead letter must not be huge
_DATA_KEY = DATA_FIELD.encode()


def unreadable_reason(fields: Any) -> str | None:
    """Why FastStream could not open this entry's fields, or None when it can."""
    if not isinstance(fields, dict) or _DATA_KEY not in fields:
        return f"the stream entry has no {DATA_FIELD} field"
    data = fields[_DATA_KEY]
    try:
        body, _headers = BinaryMessageFormatV1.parse(data)
    except Exception as error:  # any bytes at all can be written: any failure to read them is the entry's
        return f"the envelope cannot be read: {type(error).__name__}"
    if body is data and data.startswith(BinaryMessageFormatV1.IDENTITY_HEADER):
        # parse() hands back the whole entry when it cannot read the envelope (a header not UTF-8)
        return "the FastStream envelope cannot be read"
    try:
        message = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        return "the entry is neither a FastStream envelope nor JSON" if body is data else "the message is not UTF-8"
    except RecursionError:
        return "the message is JSON nested too deeply"
    except ValueError as error:
        return f"the message is not JSON: {error}"
    # A fixed bound, not the interpreter's recursion limit: where json.loads gives up depends on how
    # deep the caller's stack already is, and FastStream decodes again, deeper.
    if _depth(message) > MAX_JSON_DEPTH:
        return "the message is JSON nested too deeply"
    return None


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def as_text(fields: Any) -> str:
    """What the entry held, for the dead letter: the message inside its envelope when that opens."""
    data = fields.get(_DATA_KEY) if isinstance(fields, dict) else None
    raw = data if isinstance(data, bytes) else repr(fields).encode()
    with contextlib.suppress(Exception):  # an envelope that does not open is shown as it is
        raw = BinaryMessageFormatV1.parse(raw)[0]
    return raw[:MAX_PAYLOAD_CHARS].decode("utf-8", errors="replace")


async def _stand_in(reason: str, fields: Any) -> dict[bytes, bytes]:
    body = json.dumps({UNREADABLE: reason, PAYLOAD: as_text(fields)}).encode()
    data = await BinaryMessageFormatV1.encode(
        message=body, reply_to=None, headers={"content-type": "application/json"}, correlation_id=""
    )
    return {_DATA_KEY: data}


async def readable(fields: Any) -> Any:
    """The entry's fields unchanged when FastStream can open them, else the stand-in."""
    reason = unreadable_reason(fields)
    return fields if reason is None else await _stand_in(reason, fields)


async def tolerant_parser(message: Any, original: Callable[[Any], Awaitable[Any]]) -> Any:
    """A FastStream parser for stream subscribers (one entry or a batch): FastStream's own, on entries
    every one of which it can open."""
    data = message["data"]
    if isinstance(data, list):
        message = {**message, "data": [await readable(fields) for fields in data]}
    else:
        message = {**message, "data": await readable(data)}
    return await original(message)


def unreadable(body: Any) -> tuple[str, str] | None:
    """(why, what it held) when a decoded body is a stand-in, else None."""
    if isinstance(body, dict) and isinstance(body.get(UNREADABLE), str):
        return body[UNREADABLE], str(body.get(PAYLOAD, ""))
    return None
