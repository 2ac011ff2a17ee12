"""The dead-letter stream for operators: list, show, replay to the failed stage, drop."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from newsflow_schemas import DeadLetter
from services.common.broker import make_broker
from services.common.connection import SyncRedis
from services.common.pipeline import stage
from services.common.settings import RedisSettings
from services.common.streamread import as_text, decode_entry


class UnknownLetter(LookupError):
    pass


@dataclass(frozen=True)
class Letter:
    entry_id: str
    letter: DeadLetter


def list_letters(
    client: SyncRedis, settings: RedisSettings, stage: str | None = None, limit: int = 100
) -> list[Letter]:
    letters = []
    entries = client.xrange(settings.stream_dlq, count=limit if stage is None else None) or []
    for entry_id, fields in entries:
        letter = Letter(as_text(entry_id or ""), decode_entry(fields or {}, DeadLetter))
        if stage is None or letter.letter.stage == stage:
            letters.append(letter)
    return letters[:limit]


def get_letter(client: SyncRedis, settings: RedisSettings, entry_id: str) -> Letter:
    entries = client.xrange(settings.stream_dlq, min=entry_id, max=entry_id)
    if not entries:
        raise UnknownLetter(f"no dead letter {entry_id} on {settings.stream_dlq}")
    return Letter(entry_id, decode_entry(entries[0][1] or {}, DeadLetter))


def replay(client: SyncRedis, settings: RedisSettings, letters: list[Letter]) -> int:
    """Publish each letter's original message to its stage's input again, then delete the letter.

    A letter whose payload is not JSON cannot be what the stage reads; it is left in place.
    """
    ready: list[tuple[Letter, Any]] = []
    for letter in letters:
        try:
            ready.append((letter, json.loads(letter.letter.payload)))
        except ValueError:
            continue
    asyncio.run(_publish(settings, [(stage(lt.letter.stage).input_stream(settings), body) for lt, body in ready]))
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
