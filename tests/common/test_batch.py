"""Batched consumption on a real Redis with a real FastStream broker: each entry judged on its own;
on a Redis Cluster per partition, each partition's outputs in the same partition of the next stream."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from faststream.redis.parser.binary import BinaryMessageFormatV1

from newsflow_harness.local.cluster import LocalCluster
from newsflow_schemas import DeadLetter, RawArticle
from services.common.batch import consume_batches, each
from services.common.broker import make_broker
from services.common.connection import SyncRedis, async_client, sync_client
from services.common.envelope import add_all
from services.common.errors import RejectedInput
from services.common.partitions import partition_stream, partition_streams
from services.common.settings import Settings, stream_names


def _article(article_id: str, content: str) -> RawArticle:
    return RawArticle(article_id=article_id, trace_id=f"t-{article_id}", content=content, content_type="text")


def _handle(raw: RawArticle) -> RawArticle:
    if raw.content == "reject":
        raise RejectedInput("nothing to parse")
    if raw.content == "boom":
        raise RuntimeError("database away")
    return raw.model_copy(update={"content": raw.content.upper()})


def _bodies(client: SyncRedis, stream: str) -> list[bytes]:
    return [BinaryMessageFormatV1.parse(fields[b"__data__"])[0] for _, fields in client.xrange(stream)]


INPUTS: list[Any] = [
    _article("a", "first"),
    _article("b", "reject"),
    {"article_id": "c"},  # not a RawArticle
    _article("d", "boom"),
    _article("e", "last"),
]


def _run_batches(settings: Settings, client: SyncRedis) -> None:
    """INPUTS through a batched parse stage until both dead letters and both outputs are written."""
    for stream in partition_streams(settings.stream_raw, settings):
        client.xgroup_create(stream, "parse", id="0", mkstream=True)

    def written() -> int:
        return client.xlen(settings.stream_dlq) + sum(
            client.xlen(stream) for stream in partition_streams(settings.stream_parsed, settings)
        )

    def failed_pending() -> bool:
        stream = partition_stream(settings.stream_raw, "d", settings)
        return bool(client.xpending(stream, "parse")["pending"])

    async def run() -> None:
        writer = async_client(settings)
        await add_all(writer, partition_streams(settings.stream_raw, settings), INPUTS)
        await writer.aclose()
        broker = make_broker(settings, "parse")
        consume_batches(
            broker,
            settings,
            group="parse",
            stream=settings.stream_raw,
            model=RawArticle,
            out_stream=settings.stream_parsed,
            process=each(_handle),
        )
        async with broker:
            await broker.start()
            deadline = time.monotonic() + 20
            # "d" may sit alone in a partition read after the others: wait for its failure too.
            while time.monotonic() < deadline and (written() < 4 or not failed_pending()):
                await asyncio.sleep(0.05)

    asyncio.run(run())


def _check_outcome(settings: Settings, client: SyncRedis) -> None:
    out = []
    for stream in partition_streams(settings.stream_parsed, settings):
        for body in _bodies(client, stream):
            article = RawArticle.model_validate_json(body)
            assert stream == partition_stream(settings.stream_parsed, article.article_id, settings)
            out.append((article.article_id, article.content))
    assert sorted(out) == [("a", "FIRST"), ("e", "LAST")]
    letters = [DeadLetter.model_validate_json(body) for body in _bodies(client, settings.stream_dlq)]
    assert sorted((letter.article_id, letter.reason.split(":")[0]) for letter in letters) == [
        ("b", "nothing to parse"),
        ("c", "message does not match the parse input model"),
    ]
    for stream in partition_streams(settings.stream_raw, settings):
        pending = client.xpending_range(stream, "parse", min="-", max="+", count=10)
        if stream != partition_stream(settings.stream_raw, "d", settings):
            assert pending == []
            continue
        assert len(pending) == 1  # "d" only: left for the retry reader, not acknowledged, not lost
        (entry,) = client.xrange(stream, min=pending[0]["message_id"], max=pending[0]["message_id"])
        assert b'"article_id":"d"' in BinaryMessageFormatV1.parse(entry[1][b"__data__"])[0]


def test_a_batch_publishes_the_good_dead_letters_the_bad_and_leaves_failures_pending(redis_url, stream_prefix):
    settings = Settings(redis_url=redis_url, read_batch=10, retry_idle_ms=60_000, **stream_names(stream_prefix))
    client = sync_client(settings)
    _run_batches(settings, client)
    _check_outcome(settings, client)


def test_on_a_cluster_each_partitions_batch_goes_to_the_same_partition(redis_cluster: LocalCluster) -> None:
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    settings = Settings(redis_url=redis_cluster.url, redis_cluster=True, redis_cluster_nodes=redis_cluster.seed_nodes,
                        partitions=4, read_batch=10, retry_idle_ms=60_000, **stream_names(prefix))  # fmt: skip
    assert len({partition_stream(settings.stream_raw, i, settings) for i in "abcde"}) == 4  # every partition used
    client = sync_client(settings)
    try:
        _run_batches(settings, client)
        _check_outcome(settings, client)
    finally:
        client.delete(*client.scan_iter(match=f"{prefix}.*"))
        client.close()


async def _raw_envelope(body: bytes, headers: dict[str, str] | None = None) -> bytes:
    return await BinaryMessageFormatV1.encode(
        message=body, reply_to=None, headers=headers or {"content-type": "application/json"}, correlation_id="c1"
    )


async def _hostile_entries() -> list[dict[str, bytes]]:
    """What a careless or hostile writer can XADD straight to articles.raw, between good entries."""
    good = _article("a", "first").model_dump_json().encode()
    return [
        {"__data__": await _raw_envelope(good)},
        {"__data__": b"\x89not an envelope at all"},  # garbled envelope
        {"__data__": await _raw_envelope(b'{"article_id": "\xff\xfe", "content": "x"}')},  # invalid UTF-8
        {"__data__": await _raw_envelope(b"[" * 100_000 + b"]" * 100_000)},  # nested past the recursion limit
        {"__data__": (await _raw_envelope(good, {"x-header": "MARK"})).replace(b"MARK", b"\xff\xfe\xfd\xfc")},
        {"nothing": b"no __data__ field"},
        {"__data__": await _raw_envelope(_article("e", "last").model_dump_json().encode())},
    ]


def test_a_garbled_entry_in_a_batch_is_dead_lettered_alone_and_the_good_ones_go_on(redis_url, stream_prefix):
    settings = Settings(redis_url=redis_url, read_batch=10, retry_idle_ms=60_000, **stream_names(stream_prefix))
    client = sync_client(settings)
    client.xgroup_create(settings.stream_raw, "parse", id="0", mkstream=True)

    async def run() -> float:
        for fields in await _hostile_entries():
            client.xadd(settings.stream_raw, fields)  # type: ignore[arg-type]
        broker = make_broker(settings, "parse")
        consume_batches(broker, settings, group="parse", stream=settings.stream_raw, model=RawArticle,
                        out_stream=settings.stream_parsed, process=each(_handle))  # fmt: skip
        async with broker:
            await broker.start()
            started = time.monotonic()
            while (
                time.monotonic() - started < 5
                and client.xlen(settings.stream_parsed) + client.xlen(settings.stream_dlq) < 7
            ):
                await asyncio.sleep(0.05)
            return time.monotonic() - started

    took = asyncio.run(run())
    done = sorted(RawArticle.model_validate_json(b).article_id for b in _bodies(client, settings.stream_parsed))
    assert done[0] == "a" and done[-1] == "e" and took < 3  # in the first batch, not after a retry
    letters = [DeadLetter.model_validate_json(body) for body in _bodies(client, settings.stream_dlq)]
    assert len(done) + len(letters) == 7  # every other entry dead-lettered, alone
    assert all(letter.reason.startswith("unreadable entry: ") for letter in letters)
    assert client.xpending(settings.stream_raw, "parse")["pending"] == 0
