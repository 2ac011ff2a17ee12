"""The DLQ commands' core against real Redis: a dead letter goes back to its stage's input intact."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
import redis
from faststream.redis import RedisBroker
from typer.testing import CliRunner

from newsflow_schemas import RawArticle
from services.cli import app
from services.common.deadletter import make_dead_letter
from services.common.settings import Settings, stream_names
from services.common.streamread import read_stream
from services.dlq.core import drop, get_letter, list_letters, replay


@pytest.fixture
def settings(redis_url: str) -> Iterator[Settings]:
    prefix = f"test-dlq-{uuid.uuid4().hex[:8]}"
    yield Settings(redis_url=redis_url, **stream_names(prefix))
    client = redis.Redis.from_url(redis_url)
    if keys := list(client.scan_iter(match=f"{prefix}.*")):
        client.delete(*keys)


@pytest.fixture
def client(settings: Settings) -> redis.Redis:
    return redis.Redis.from_url(settings.redis_url)


def dead_letter(settings: Settings, stage: str, payload: bytes, reason: str = "no article text found") -> None:
    async def publish() -> None:
        async with RedisBroker(settings.redis_url) as broker:
            await broker.publish(make_dead_letter(stage, reason, payload), stream=settings.stream_dlq)

    asyncio.run(publish())


def raw(article_id: str) -> RawArticle:
    return RawArticle(article_id=article_id, trace_id="t-" + article_id, content="<p>x</p>", content_type="html")


def test_letters_are_listed_oldest_first_and_by_stage(settings, client):
    dead_letter(settings, "parse", raw("a1").model_dump_json().encode())
    dead_letter(settings, "store", b'{"article_id": "b2"}', reason="database refused the row")

    letters = list_letters(client, settings)
    assert [(x.letter.stage, x.letter.article_id) for x in letters] == [("parse", "a1"), ("store", "b2")]
    assert [x.letter.article_id for x in list_letters(client, settings, stage="store")] == ["b2"]
    assert get_letter(client, settings, letters[1].entry_id).letter.reason == "database refused the row"


def test_replay_puts_the_original_message_back_on_the_stage_input_and_removes_the_letter(settings, client):
    original = raw("a1")
    dead_letter(settings, "parse", original.model_dump_json().encode())

    assert replay(client, settings, list_letters(client, settings)) == 1

    (replayed,) = read_stream(client, settings.stream_raw, RawArticle)
    assert replayed == original
    assert list_letters(client, settings) == []


def test_a_deliver_letter_goes_back_to_the_stream_its_model_came_from(settings, client):
    from newsflow_schemas import ArticleStored, StoryMerged
    from newsflow_schemas.events import MERGED_EXAMPLE

    merge = StoryMerged.model_validate(MERGED_EXAMPLE)
    stored = ArticleStored(article_id="a1", trace_id="t", change="created")
    dead_letter(settings, "deliver", merge.model_dump_json().encode(), reason="moved articles cannot be matched")
    dead_letter(settings, "deliver", stored.model_dump_json().encode(), reason="stored document cannot be matched")

    assert replay(client, settings, list_letters(client, settings)) == 2

    assert list(read_stream(client, settings.stream_merged, StoryMerged)) == [merge]
    assert list(read_stream(client, settings.stream_stored, ArticleStored)) == [stored]


def test_a_letter_that_is_not_json_stays_in_the_queue(settings, client):
    dead_letter(settings, "parse", b"\xff\xfe not json")

    assert replay(client, settings, list_letters(client, settings)) == 0
    assert len(list_letters(client, settings)) == 1
    assert client.exists(settings.stream_raw) == 0


def test_drop_deletes_only_the_chosen_letters(settings, client):
    dead_letter(settings, "parse", b'{"article_id": "a1"}')
    dead_letter(settings, "enrich", b'{"article_id": "b2"}')
    first, second = list_letters(client, settings)

    assert drop(client, settings, [first]) == 1
    assert [x.entry_id for x in list_letters(client, settings)] == [second.entry_id]


def test_a_malformed_dlq_entry_is_listed_shown_and_dropped_and_replay_goes_on(settings, client):
    dead_letter(settings, "parse", raw("a1").model_dump_json().encode())
    client.xadd(settings.stream_dlq, {"junk": "no __data__ at all"})
    client.xadd(settings.stream_dlq, {"__data__": b"\x89 not an envelope"})

    good, *malformed = list_letters(client, settings)
    assert [x.letter.reason.split(":")[0] for x in malformed] == ["malformed dead letter"] * 2
    assert get_letter(client, settings, malformed[0].entry_id).letter.payload
    assert replay(client, settings, [good, *malformed]) == 1  # only the real letter; the others stay
    assert [x.entry_id for x in list_letters(client, settings)] == [x.entry_id for x in malformed]
    assert drop(client, settings, malformed) == 2 and list_letters(client, settings) == []


def test_dlq_list_and_show_print_no_control_characters(settings, client, monkeypatch):
    hostile = "a1\x1b[2J\x07\u009b"
    dead_letter(settings, "parse", raw(hostile).model_dump_json().encode(), reason="bad\x1b]0;title\x07")
    client.xadd(settings.stream_dlq, {"junk": "\x1b[31m"})
    for name, value in {"NEWSFLOW_REDIS_URL": settings.redis_url, "NEWSFLOW_STREAM_DLQ": settings.stream_dlq}.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    listed = runner.invoke(app, ["dlq", "list"], env={"COLUMNS": "300"})
    assert listed.exit_code == 0, listed.output
    entry_id = list_letters(client, settings)[0].entry_id
    shown = runner.invoke(app, ["dlq", "show", entry_id])
    assert shown.exit_code == 0, shown.output
    as_json = runner.invoke(app, ["dlq", "list", "--json"])
    assert as_json.exit_code == 0, as_json.output
    for output in (listed.output, shown.output, as_json.output):
        assert not any(c in output for c in "\x1b\x07\u009b"), repr(output)
    assert "a1" in listed.output and "a1" in shown.output


def test_on_partitioned_streams_a_merge_letter_goes_back_to_its_survivors_partition(settings, client):
    from newsflow_schemas import StoryMerged
    from newsflow_schemas.events import MERGED_EXAMPLE
    from services.common.partitions import partition_stream

    partitioned = settings.model_copy(update={"partitions": 4})
    merges = [StoryMerged.model_validate({**MERGED_EXAMPLE, "into_story_id": f"story-{n}"}) for n in range(6)]
    for merge in merges:
        dead_letter(partitioned, "deliver", merge.model_dump_json().encode())

    assert replay(client, partitioned, list_letters(client, partitioned)) == len(merges)

    for merge in merges:  # where the merge pass announces it, so a partitioned deliver reads it
        stream = partition_stream(partitioned.stream_merged, merge.into_story_id, partitioned)
        assert merge in list(read_stream(client, stream, StoryMerged))
    assert client.exists(partitioned.stream_merged) == 0  # nothing on the unread base name
