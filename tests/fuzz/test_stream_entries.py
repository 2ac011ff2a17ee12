"""Property-based fuzzing of what anyone can XADD to a stage stream or the DLQ: any fields, any bytes.

Every entry is either one FastStream can open as JSON or replaced by a stand-in that it can (and the
stage dead-letters); the DLQ tools read any entry as a letter. Nothing raises.
"""

from __future__ import annotations

import asyncio
import json

from faststream.redis.parser.binary import BinaryMessageFormatV1
from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.entries import readable, unreadable, unreadable_reason
from services.common.envelope import DATA_FIELD
from services.dlq.core import read_letter

FUZZ = settings(max_examples=300, deadline=None)
DATA = DATA_FIELD.encode()


async def _envelope(body: bytes, headers: dict[str, str]) -> bytes:
    return await BinaryMessageFormatV1.encode(message=body, reply_to=None, headers=headers, correlation_id="c")


# Raw bytes, JSON of any depth, envelopes around either, and envelopes with bytes patched into them.
bodies = st.binary(max_size=300) | st.integers(0, 3_000).map(lambda n: b"[" * n + b"]" * n)
headers = st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=3)
data = bodies | st.tuples(bodies, headers).map(lambda pair: asyncio.run(_envelope(*pair)))
fields = st.dictionaries(st.binary(max_size=10), st.binary(max_size=50), max_size=3) | data.map(
    lambda value: {DATA: value}
)


@FUZZ
@given(fields)
def test_any_entry_is_readable_as_json_or_a_stand_in_saying_why(entry: dict[bytes, bytes]) -> None:
    opened = asyncio.run(readable(entry))
    assert unreadable_reason(opened) is None  # FastStream can open what it is handed
    body = json.loads(BinaryMessageFormatV1.parse(opened[DATA])[0])
    if opened is not entry:
        why, _payload = unreadable(body) or ("", "")
        assert why == unreadable_reason(entry)


@FUZZ
@given(fields)
def test_the_dlq_tools_read_any_entry_as_a_letter(entry: dict[bytes, bytes]) -> None:
    letter = read_letter("1700000000000-0", entry)
    assert letter.letter.stage and letter.letter.reason
