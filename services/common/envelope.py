"""Messages written to streams without going through a FastStream publisher, in FastStream's own
binary envelope, so every FastStream subscriber reads them like any other publish."""

import json
import uuid
from collections.abc import Sequence
from typing import Any

import redis.asyncio as aioredis
from faststream.redis.parser.binary import BinaryMessageFormatV1
from pydantic import BaseModel

DATA_FIELD = "__data__"  # the stream entry field FastStream reads


async def envelope(message: BaseModel | dict[str, Any]) -> bytes:
    data = message.model_dump_json().encode() if isinstance(message, BaseModel) else json.dumps(message).encode()
    return await BinaryMessageFormatV1.encode(
        message=data, reply_to=None, headers={"content-type": "application/json"}, correlation_id=str(uuid.uuid4())
    )


async def add_all(client: aioredis.Redis, stream: str, messages: Sequence[BaseModel | dict[str, Any]]) -> None:
    """XADD every message to `stream` in one pipelined round trip, in order."""
    async with client.pipeline(transaction=False) as pipe:
        for message in messages:
            pipe.xadd(stream, {DATA_FIELD: await envelope(message)})
        await pipe.execute()
