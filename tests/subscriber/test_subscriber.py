"""newsflow_subscriber loses no event: real Redis, events from the store's announcer, the client in real
processes that are SIGKILLed in the middle of a handler."""

from __future__ import annotations

import signal
import threading

import pytest
import redis

from newsflow_schemas import ArticleStored
from newsflow_subscriber import BackfillUnavailable, Subscriber

from .conftest import Journal, SubscriberProcesses, announce, make_events, pending, wait_until

pytestmark = pytest.mark.integration


def test_every_event_is_handled_across_a_sigkill_mid_handler(processes: SubscriberProcesses, tmp_path) -> None:
    events = make_events(12)
    ids = {e.article_id for e in events}
    announce(processes.redis_url, processes.stream, events)
    journal = Journal(tmp_path / "journal")

    first = processes.start("app", "app-1", journal, SLOW="0.3")
    wait_until(lambda: len(journal.done()) >= 3 and journal.in_flight(), "a handler in progress after 3 done",
               details=lambda: processes.log("app-1"))  # fmt: skip
    first.send_signal(signal.SIGKILL)
    first.wait()
    (killed_in,) = journal.in_flight()  # the handler the kill interrupted
    assert killed_in not in journal.done()
    mark = len(journal.lines())

    processes.start("app", "app-1", journal, SLOW="0.05")  # the same consumer, restarted
    wait_until(lambda: journal.done() == ids, "every event handled", details=lambda: processes.log("app-1"))
    assert journal.lines()[mark] == ("start", killed_in)  # its own pending entries first
    wait_until(lambda: pending(processes.redis_url, processes.stream, "app") == 0, "every event acknowledged")
    starts = [article for what, article in journal.lines() if what == "start"]
    assert len(starts) - len(ids) <= 1  # only the event the kill caught in hand came twice


def test_a_dead_consumers_events_are_claimed_by_another(processes: SubscriberProcesses, tmp_path) -> None:
    events = make_events(8)
    announce(processes.redis_url, processes.stream, events)
    journal = Journal(tmp_path / "journal")
    dead = processes.start("app", "host-a", journal, SLOW="0.3")
    wait_until(lambda: len(journal.done()) >= 1 and journal.in_flight(), "host-a in a handler")
    dead.send_signal(signal.SIGKILL)
    dead.wait()

    # Another consumer (another host) never had those entries: it claims them once they idle 1 s.
    processes.start("app", "host-b", journal, CLAIM_IDLE_S="1")
    ids = {e.article_id for e in events}
    wait_until(
        lambda: journal.done() == ids, "host-b to finish host-a's events", details=lambda: processes.log("host-b")
    )
    wait_until(lambda: pending(processes.redis_url, processes.stream, "app") == 0, "every event acknowledged")


def run_in_thread(subscriber: Subscriber) -> threading.Thread:
    thread = threading.Thread(target=subscriber.run, daemon=True)
    thread.start()
    return thread


def test_an_event_whose_handler_keeps_failing_is_dead_lettered_and_the_rest_go_on(
    redis_url: str, stream_prefix: str
) -> None:
    stream = f"{stream_prefix}.stored"
    events = make_events(5)
    announce(redis_url, stream, events)
    handled: list[str] = []
    attempts: list[str] = []

    def handle(event: ArticleStored) -> None:
        attempts.append(event.article_id)
        if event.article_id == "art-002":
            raise RuntimeError("the CRM refused it")
        handled.append(event.article_id)

    subscriber = Subscriber(handle, group="crm", redis_url=redis_url, stream=stream, from_start=True,
                            claim_idle_s=0.2, max_failures=3, block_s=0.1)  # fmt: skip
    thread = run_in_thread(subscriber)
    client = redis.Redis.from_url(redis_url)
    try:
        wait_until(lambda: client.exists(subscriber.dead_letter_stream) == 1, "a dead letter")
        wait_until(lambda: pending(redis_url, stream, "crm") == 0, "nothing pending")
        ((_id, letter),) = client.xrange(subscriber.dead_letter_stream)
    finally:
        subscriber.stop()
        thread.join(timeout=10)
        client.close()
    assert sorted(handled) == ["art-000", "art-001", "art-003", "art-004"]
    assert attempts.count("art-002") == 3
    assert letter[b"reason"].startswith(b"handler failed 3 times, last with RuntimeError: the CRM refused it")
    assert letter[b"entry_id"] and letter[b"group"] == b"crm"
    from newsflow_schemas import decode

    assert decode(letter, ArticleStored).article_id == "art-002"  # the event itself, to replay


def test_a_trimmed_stream_without_a_query_api_is_a_clear_error(redis_url: str, stream_prefix: str) -> None:
    stream = f"{stream_prefix}.stored"
    announce(redis_url, stream, make_events(4))
    client = redis.Redis.from_url(redis_url)
    third = client.xrange(stream)[2][0]
    assert client.xtrim(stream, minid=third, approximate=False) == 2  # the first two are gone
    client.close()
    subscriber = Subscriber(lambda _e: None, group="late", redis_url=redis_url, stream=stream, from_start=True)
    failure: list[BaseException] = []
    thread = threading.Thread(target=lambda: _catch(subscriber.run, failure), daemon=True)
    thread.start()
    thread.join(timeout=20)
    subscriber.stop()
    assert failure and isinstance(failure[0], BackfillUnavailable), failure
    assert "no longer holds the events" in str(failure[0])


def _catch(run, failures: list[BaseException]) -> None:
    try:
        run()
    except BaseException as error:  # handed to the test thread
        failures.append(error)


def test_the_client_imports_nothing_of_the_pipeline() -> None:
    import subprocess
    import sys

    code = (
        "import sys, newsflow_subscriber;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('services', 'faststream', 'sqlalchemy', 'fastapi')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_story_merges_are_read_like_stored_events_with_model_story_merged(redis_url: str, stream_prefix: str) -> None:
    import asyncio

    from newsflow_schemas import StoryMerged
    from newsflow_schemas.events import MERGED_EXAMPLE
    from services.common.settings import Settings
    from services.store.announce import MergeAnnouncer

    stream = f"{stream_prefix}.merged"
    merges = [
        StoryMerged.model_validate({**MERGED_EXAMPLE, "merge_id": f"m{n}", "story_id": f"s{n}"}) for n in range(3)
    ]

    async def announce_merges() -> None:
        announcer = MergeAnnouncer(Settings(redis_url=redis_url, stream_merged=stream))
        try:
            for merge in [*merges, merges[0]]:  # the repeat is dropped by its marker
                await announcer.announce(merge)
        finally:
            await announcer.close()

    asyncio.run(announce_merges())
    client = redis.Redis.from_url(redis_url)
    client.xadd(stream, {"__data__": b"not an envelope"})  # dead-lettered, the others go on
    client.close()
    handled: list[StoryMerged] = []
    subscriber = Subscriber(
        handled.append, group="filer", redis_url=redis_url, stream=stream, from_start=True, model=StoryMerged
    )
    thread = threading.Thread(target=subscriber.run, daemon=True)
    thread.start()
    wait_until(lambda: len(handled) == 3, "three merges handled")
    subscriber.stop()
    thread.join(timeout=10)
    assert handled == merges and pending(redis_url, stream, "filer") == 0
    wait_until(lambda: pending(redis_url, stream, "filer") == 0, "the bad entry dead-lettered")
    [(_, letter)] = redis.Redis.from_url(redis_url).xrange(f"{stream}.dead.filer")
    assert letter[b"reason"].startswith(b"not a valid StoryMerged")
    with pytest.raises(ValueError, match="ArticleStored or StoryMerged"):
        Subscriber(print, group="g", model=ArticleStored.__base__)  # type: ignore[arg-type]
