"""Delivery per partition on a local Redis Cluster, with real ingest and parse workers: dead letters and
their replay, status and trimming over all partitions, and a consumer group vanished from one partition."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsflow_harness.local.cluster import LocalCluster
from newsflow_schemas import DeadLetter, ParsedArticle
from services.common.connection import sync_client
from services.common.metrics import StreamCollector
from services.common.partitions import partition_stream
from services.common.streamread import entries_added, read_stream
from services.dlq.core import list_letters, replay
from services.ingest.identity import article_id_for
from services.status.core import pipeline_status

from .conftest import Pipeline, pipeline_settings, run_pipeline

pytestmark = pytest.mark.integration

PARTITIONS = 6
NO_ARTICLE = "<html><head><title>Menu</title></head><body><script>load()</script></body></html>"


@pytest.fixture(scope="module")
def parse_only(redis_cluster: LocalCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """Ingest and one parse worker on six partitions; finished entries trimmed within a second or two."""
    tmp = tmp_path_factory.mktemp("cluster-delivery")
    settings = pipeline_settings(redis_cluster.url, f"sqlite:///{tmp}/unused.db").model_copy(
        update={
            "redis_cluster": True,
            "redis_cluster_nodes": redis_cluster.seed_nodes,
            "partitions": PARTITIONS,
            "stream_retention_s": 0.001,
            "trim_interval_s": 1,
        }
    )
    yield from run_pipeline(settings, tmp / "logs", stages=("ingest", "parse"))


def accepted_ids(pipeline: Pipeline, texts: list[str]) -> list[str]:
    response = pipeline.submit([{"text": text} for text in texts], path="/v1/articles:batch")
    assert response.status_code == 202, response.text
    return [a["article_id"] for a in response.json()["accepted"]]


def test_status_and_trimming_cover_every_partition(parse_only: Pipeline) -> None:
    settings = parse_only.settings
    ids = accepted_ids(
        parse_only, [f"LONDON (Reuters) - Story {n} about the harbour. Two sentences." for n in range(30)]
    )
    parse_only.wait_for(lambda: parse_only.group_done(settings.stream_raw, "parse"), "parse to finish")

    client = sync_client(settings)
    status = pipeline_status(client, settings)
    parse = status.stages[0]
    assert (parse.stage, parse.stream, parse.partitions, parse.pending, parse.backlog) == (
        "parse", settings.stream_raw, PARTITIONS, 0, 0
    )  # fmt: skip
    assert parse.done_last_minute >= len(ids) and len(parse.consumers) == 1  # one process, every partition
    raw = parse_only.partitions(settings.stream_raw)
    assert sum(entries_added(client, stream) for stream in raw) >= len(ids)
    metrics = {family.name: family for family in StreamCollector(settings, raw, "parse").collect()}
    assert sorted(sample.labels["stream"] for sample in metrics["newsflow_group_backlog"].samples) == sorted(raw)
    parse_only.wait_for(lambda: sum(int(client.xlen(stream)) for stream in raw) == 0, "every partition trimmed")
    client.close()


def test_a_rejected_article_is_dead_lettered_and_replayed_to_its_partition(parse_only: Pipeline) -> None:
    settings = parse_only.settings
    response = parse_only.submit({"html": NO_ARTICLE, "url": "https://example.com/menu-only"})
    assert response.status_code == 202, response.text
    article_id = response.json()["accepted"][0]["article_id"]
    client = sync_client(settings)

    def letters() -> list[DeadLetter]:
        return [item.letter for item in list_letters(client, settings) if item.letter.article_id == article_id]

    parse_only.wait_for(lambda: len(letters()) == 1, "the dead letter")
    assert letters()[0].stage == "parse" and "no article text" in letters()[0].reason
    partition = partition_stream(settings.stream_raw, article_id, settings)
    assert entries_added(client, partition) >= 1

    before = entries_added(client, partition)
    assert replay(client, settings, [item for item in list_letters(client, settings)
                                     if item.letter.article_id == article_id]) == 1  # fmt: skip
    assert entries_added(client, partition) == before + 1  # back on the article's own partition
    parse_only.wait_for(lambda: len(letters()) == 1 and parse_only.group_done(settings.stream_raw, "parse"),
                        "the replayed article dead-lettered again")  # fmt: skip
    client.close()


def test_a_group_vanished_from_one_partition_is_recreated_and_work_goes_on(parse_only: Pipeline) -> None:
    settings = parse_only.settings
    worker = parse_only.workers.running[-1]
    victim = parse_only.partitions(settings.stream_raw)[3]
    parse_only.redis.xgroup_destroy(victim, "parse")

    def group_back() -> bool:
        return any(g["name"] == "parse" for g in parse_only.redis.xinfo_groups(victim))

    parse_only.wait_for(group_back, "the worker to recreate its group")
    assert worker.process.poll() is None  # the same process, started afresh
    assert "consumer group vanished" in worker.log_tail(50_000)

    text = "TEHRAN - A story after the group came back. It has two sentences."
    url = next(u for n in range(100) if partition_stream(settings.stream_raw,
               article_id_for(u := f"https://example.com/after/{n}", text), settings) == victim)  # fmt: skip
    response = parse_only.submit({"text": text, "url": url})
    assert response.status_code == 202, response.text
    article_id = response.json()["accepted"][0]["article_id"]
    parsed = partition_stream(settings.stream_parsed, article_id, settings)
    client = sync_client(settings)
    parse_only.wait_for(lambda: any(p.article_id == article_id for p in read_stream(client, parsed, ParsedArticle)),
                        "an article on that partition parsed after the group came back")  # fmt: skip
    client.close()
