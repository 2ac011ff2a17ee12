"""The dead-letter stream for operators: list, show, replay to the failed stage, drop."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newsflow_schemas import DeadLetter
from services.common.broker import make_broker
from services.common.connection import SyncRedis
from services.common.deadletter import MAX_REASON_CHARS
from services.common.entries import MAX_PAYLOAD_CHARS
from services.common.pipeline import STAGE_NAMES, stage
from services.common.settings import RedisSettings
from services.common.streamread import as_text, decode_entry


class UnknownLetter(LookupError):
    pass


@dataclass(frozen=True)
class Letter:
    entry_id: str
    letter: DeadLetter
    malformed: bool = False  # not a DeadLetter as the stages write them: shown and dropped, never replayed


MALFORMED_STAGE = "unknown"


def read_letter(entry_id: str, fields: Mapping[Any, Any]) -> Letter:
    """The entry as a Letter; anything at all can be written to the stream, so an entry that is not a
    dead letter becomes one describing it (the operator sees and drops it like any other)."""
    try:
        return Letter(entry_id, decode_entry(fields, DeadLetter))
    except Exception as error:  # any bytes: a KeyError, a broken envelope, invalid JSON, another model
        millis = int(entry_id.split("-")[0]) if entry_id.split("-")[0].isdigit() else 0
        letter = DeadLetter(
            stage=MALFORMED_STAGE,
            reason=f"malformed dead letter: {type(error).__name__}: {error}"[:MAX_REASON_CHARS],
            failed_at=datetime.fromtimestamp(millis / 1000, UTC),
            payload=_as_text(fields),
        )
        return Letter(entry_id, letter, malformed=True)


def _as_text(fields: Mapping[Any, Any]) -> str:
    def text(value: Any) -> str:
        return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)

    return "; ".join(f"{text(k)}={text(v)[:MAX_PAYLOAD_CHARS]}" for k, v in fields.items())


def list_letters(
    client: SyncRedis, settings: RedisSettings, stage: str | None = None, limit: int = 100
) -> list[Letter]:
    letters = []
    entries = client.xrange(settings.stream_dlq, count=limit if stage is None else None) or []
    for entry_id, fields in entries:
        letter = read_letter(as_text(entry_id or ""), fields or {})
        if stage is None or letter.letter.stage == stage:
            letters.append(letter)
    return letters[:limit]


def get_letter(client: SyncRedis, settings: RedisSettings, entry_id: str) -> Letter:
    entries = client.xrange(settings.stream_dlq, min=entry_id, max=entry_id)
    if not entries:
        raise UnknownLetter(f"no dead letter {entry_id} on {settings.stream_dlq}")
    return read_letter(entry_id, entries[0][1] or {})


def replay(client: SyncRedis, settings: RedisSettings, letters: list[Letter]) -> int:
    """Publish each letter's original message to its stage's input again (the input whose model it is,
    for a stage that reads several), then delete the letter.

    A letter whose payload is not JSON cannot be what the stage reads, and a malformed entry has no
    stage to go back to: they are left in place.
    """
    ready: list[tuple[Letter, Any]] = []
    for letter in letters:
        if letter.malformed or letter.letter.stage not in STAGE_NAMES:
            continue  # no stage to send it back to
        try:
            ready.append((letter, json.loads(letter.letter.payload)))
        except ValueError:
            continue
    back = [(stage(lt.letter.stage).input_for(body).name(settings), body) for lt, body in ready]
    asyncio.run(_publish(settings, back))
    # Deleted only after every publish returned: a crash in between replays twice, never loses one.
    drop(client, settings, [letter for letter, _ in ready])
    return len(ready)


def drop(client: SyncRedis, settings: RedisSettings, letters: list[Letter]) -> int:
    if not letters:
        return 0
    return int(client.xdel(settings.stream_dlq, *(letter.entry_id for letter in letters)))


async def _publish(settings: RedisSettings, messages: list[tuple[str, Any]]) -> None:
    # Through FastStream, so the entry has the same binary envelope the workers read (and goes to
    # its article's partition of the stage's input).
    async with make_broker(settings, "dlq") as broker:
        for stream, body in messages:
            await broker.publish(body, stream=stream)
