"""FastStream's binary envelope, written and opened in one place: messages written to streams without a
FastStream publisher get the same envelope, so every FastStream subscriber reads them like any other."""

import json
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from faststream.redis.parser.binary import BinaryMessageFormatV1
from pydantic import BaseModel

from .connection import AsyncRedis
from .partitions import article_id_of, partition_of

DATA_FIELD = "__data__"  # the stream entry field FastStream reads

Message = BaseModel | dict[str, Any]


def opened(data: bytes) -> bytes:
    """The JSON body inside a stream entry's FastStream envelope."""
    body, _headers = BinaryMessageFormatV1.parse(data)
    return body


async def envelope(message: Message) -> bytes:
    data = message.model_dump_json().encode() if isinstance(message, BaseModel) else json.dumps(message).encode()
    return await BinaryMessageFormatV1.encode(
        message=data, reply_to=None, headers={"content-type": "application/json"}, correlation_id=str(uuid.uuid4())
    )


async def add_all(client: AsyncRedis, streams: Sequence[str], messages: Sequence[Message]) -> None:
    """XADD every message to its article's partition of `streams` (partition_streams of one stream), in
    order: one pipelined round trip per partition, which on a Redis Cluster is one slot, so one node."""
    by_partition: defaultdict[str, list[Message]] = defaultdict(list)
    for message in messages:
        by_partition[streams[partition_of(article_id_of(message), len(streams))]].append(message)
    for stream, batch in by_partition.items():
        async with client.pipeline(transaction=False) as pipe:
            for message in batch:
                pipe.xadd(stream, {DATA_FIELD: await envelope(message)})
            await pipe.execute()
