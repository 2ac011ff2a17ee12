"""newsflow_schemas.wire reads and writes exactly FastStream's envelope, and real stream entries."""

from __future__ import annotations

import asyncio
import struct
from datetime import UTC, datetime

import pytest
import redis
from faststream.redis.parser.binary import BinaryMessageFormatV1

from newsflow_schemas import ArticleStored, decode, wire
from newsflow_schemas.events import STORED_EXAMPLE
from services.common.settings import Settings
from services.store.announce import Announcer

EVENT = ArticleStored.model_validate(STORED_EXAMPLE)


def faststream_envelope(body: bytes) -> bytes:
    return asyncio.run(
        BinaryMessageFormatV1.encode(
            message=body, reply_to=None, headers={"content-type": "application/json"}, correlation_id="c-1"
        )
    )


def test_decode_reads_what_faststream_writes() -> None:
    data = faststream_envelope(EVENT.model_dump_json().encode())
    assert decode({b"__data__": data}, ArticleStored) == EVENT
    assert decode(data)["title"] == EVENT.title  # the value alone, as a dict
    assert wire.open_envelope(data)[1] == {"correlation_id": "c-1", "content-type": "application/json"}


def test_faststream_reads_what_encode_writes() -> None:
    body, headers = BinaryMessageFormatV1.parse(wire.encode(EVENT, correlation_id="c-2"))
    assert ArticleStored.model_validate_json(body) == EVENT
    assert headers == {"correlation_id": "c-2", "content-type": "application/json"}


def test_the_layout_is_the_one_wire_md_specifies() -> None:
    data = wire.encode({"a": 1}, correlation_id="x" * 36)
    assert data[:8] == b"\x89BIN\r\n\x1a\n"
    version, header_start, body_start = struct.unpack(">HII", data[8:18])
    assert (version, header_start, body_start) == (1, 18, 106)
    assert data[body_start:] == b'{"a": 1}'


def test_a_value_body_offset_further_on_is_followed() -> None:
    """A reader seeks to the body offset; it does not assume the body follows the headers."""
    data = bytearray(wire.encode({"a": 1}))
    body_start = struct.unpack(">I", data[14:18])[0]
    padded = bytes(data[:14]) + struct.pack(">I", body_start + 3) + bytes(data[18:body_start]) + b"   " + b'{"a": 1}'
    assert decode(padded) == {"a": 1}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (b"\x89BIN\r\n\x1a\n\x00\x02" + bytes(10), "version 2"),
        (b"\x89BIN\r\n\x1a\n\x00\x01\x00\x00\x00\x12\x00\x00\xff\xff\x00\x00", "outside"),
        (wire.encode({"a": 1})[:30], "outside"),
        (b"not json, not an envelope", "no FastStream binary envelope"),
    ],
)
def test_a_damaged_value_is_a_clear_error(value: bytes, message: str) -> None:
    with pytest.raises(wire.NotAnEnvelope, match=message):
        decode(value)


def test_an_entry_without_the_data_field_names_its_fields() -> None:
    with pytest.raises(wire.NotAnEnvelope, match="no __data__ field"):
        decode({b"other": b"1"})


def test_a_plain_json_entry_is_read_like_faststream_reads_it() -> None:
    plain = '{"article_id": "a", "trace_id": "t", "change": "created"}'
    assert decode({"__data__": plain}, ArticleStored).article_id == "a"


def test_decode_reads_an_event_the_store_announced_on_real_redis(redis_url: str, stream_prefix: str) -> None:
    settings = Settings(redis_url=redis_url, stream_stored=f"{stream_prefix}.stored")
    event = EVENT.model_copy(update={"times": EVENT.times.model_copy(update={"stored_at": datetime.now(UTC)})})

    async def announce() -> None:
        announcer = Announcer(settings)
        try:
            assert await announcer.announce(event)
        finally:
            await announcer.close()

    asyncio.run(announce())
    client = redis.Redis.from_url(redis_url)  # responses not decoded: the envelope is binary
    ((_entry_id, fields),) = client.xrange(settings.stream_stored)
    client.close()
    assert decode(fields, ArticleStored) == event
