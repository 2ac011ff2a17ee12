"""How a message sits in a Redis stream entry, without FastStream: `decode()` for subscribers in Python,
`encode()` for producers and tests. The byte layout is specified in schemas/WIRE.md.

An entry has one field, `__data__`: FastStream's binary envelope (format version 1) around the JSON
body. Big-endian throughout:

    magic    8 bytes  89 42 49 4E 0D 0A 1A 0A  ("\\x89BIN\\r\\n\\x1a\\n", like PNG's)
    version  uint16   1
    hstart   uint32   offset of the header count (always 18)
    dstart   uint32   offset of the JSON body
    hcount   uint16   number of headers, at hstart
    headers  hcount x (uint16 length + UTF-8 key, uint16 length + UTF-8 value)
    body     from dstart to the end: the JSON message (schemas in newsflow_schemas/json)
"""

from __future__ import annotations

import json
import struct
import uuid
from collections.abc import Mapping
from typing import Any, TypeVar, overload

from pydantic import BaseModel

DATA_FIELD = "__data__"
MAGIC = b"\x89BIN\r\n\x1a\n"
VERSION = 1
_HEADER_START = len(MAGIC) + 2 + 4 + 4  # magic, version, hstart, dstart

Model = TypeVar("Model", bound=BaseModel)


class NotAnEnvelope(ValueError):
    """The bytes are not a version-1 envelope (or are cut short)."""


def open_envelope(data: bytes) -> tuple[bytes, dict[str, str]]:
    """The JSON body and the headers (correlation_id, content-type ...) of one `__data__` value."""
    if len(data) < _HEADER_START + 2 or data[: len(MAGIC)] != MAGIC:
        raise NotAnEnvelope("no FastStream binary envelope: the value does not start with \\x89BIN\\r\\n\\x1a\\n")
    version, header_start, body_start = struct.unpack_from(">HII", data, len(MAGIC))
    if version != VERSION:
        raise NotAnEnvelope(f"envelope version {version}; this reader knows version {VERSION}")
    if not header_start + 2 <= body_start <= len(data):
        raise NotAnEnvelope("envelope offsets point outside the value")
    (count,) = struct.unpack_from(">H", data, header_start)
    at, headers = header_start + 2, {}
    for _ in range(count):
        key, at = _string(data, at, body_start)
        value, at = _string(data, at, body_start)
        headers[key] = value
    return data[body_start:], headers


def _string(data: bytes, at: int, end: int) -> tuple[str, int]:
    if at + 2 > end:
        raise NotAnEnvelope("envelope header cut short")
    (length,) = struct.unpack_from(">H", data, at)
    if at + 2 + length > end:
        raise NotAnEnvelope("envelope header cut short")
    return data[at + 2 : at + 2 + length].decode("utf-8"), at + 2 + length


def encode(message: BaseModel | Mapping[str, Any], correlation_id: str | None = None) -> bytes:
    """The `__data__` value FastStream would write for `message` (a model, or a JSON-ready mapping)."""
    body = message.model_dump_json() if isinstance(message, BaseModel) else json.dumps(message)
    headers = {"correlation_id": correlation_id or str(uuid.uuid4()), "content-type": "application/json"}
    packed = b"".join(
        struct.pack(">H", len(raw)) + raw for pair in headers.items() for raw in (pair[0].encode(), pair[1].encode())
    )
    body_start = _HEADER_START + 2 + len(packed)
    return (
        MAGIC
        + struct.pack(">HII", VERSION, _HEADER_START, body_start)
        + struct.pack(">H", len(headers))
        + packed
        + body.encode()
    )


@overload
def decode(fields: Mapping[Any, Any] | bytes) -> dict[str, Any]: ...
@overload
def decode(fields: Mapping[Any, Any] | bytes, model: type[Model]) -> Model: ...
def decode(fields: Mapping[Any, Any] | bytes, model: type[Model] | None = None) -> Model | dict[str, Any]:
    """One stream entry's message: from its fields as redis-py returns them (bytes or str keys) or
    from the `__data__` value itself; as `model` (e.g. ArticleStored) when given, else a dict.

    An entry written as plain JSON (no envelope) is read too, as FastStream reads it.
    """
    data = fields if isinstance(fields, bytes) else _data_field(fields)
    try:
        body, _headers = open_envelope(data)
    except NotAnEnvelope:
        if data[:1] not in (b"{", b"["):
            raise
        body = data
    if model is not None:
        return model.model_validate_json(body)
    decoded = json.loads(body)
    if not isinstance(decoded, dict):
        raise ValueError("the message is not a JSON object")
    return decoded


def _data_field(fields: Mapping[Any, Any]) -> bytes:
    for key in (DATA_FIELD.encode(), DATA_FIELD):
        if key in fields:
            value = fields[key]
            # A client that decodes responses cannot read an envelope (its bytes are not UTF-8):
            # only a plain-JSON entry arrives here as str.
            return value if isinstance(value, bytes) else str(value).encode()
    raise NotAnEnvelope(f"the entry has no {DATA_FIELD} field (fields: {sorted(map(str, fields))})")
