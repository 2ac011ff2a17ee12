"""End to end on a local 3-master Redis Cluster: seeds and dev pages through the four worker processes
with six partitions per stream, each article stored and announced once; then a master failover."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.crc import key_slot

from newsflow_harness.corpus import CORPUS
from newsflow_harness.local.cluster import LocalCluster
from newsflow_schemas import ArticleStored, EnrichedArticle, ParsedArticle
from services.common.connection import sync_client
from services.common.partitions import partition_stream
from services.common.streamread import read_stream
from services.ingest.client import IngestClient, SubmitReport

from .conftest import API_KEY, Pipeline, pipeline_settings, run_pipeline

pytestmark = pytest.mark.integration

PARTITIONS = 6


@pytest.fixture(scope="module")
def cluster_pipeline(
    redis_cluster: LocalCluster, new_postgres_database: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pipeline]:
    if not (CORPUS / "extraction-dev" / "html").is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    assert callable(new_postgres_database)
    settings = pipeline_settings(redis_cluster.url, new_postgres_database()).model_copy(
        update={"redis_cluster": True, "redis_cluster_nodes": redis_cluster.seed_nodes, "partitions": PARTITIONS}
    )
    yield from run_pipeline(settings, tmp_path_factory.mktemp("cluster") / "logs")


def submit(pipeline: Pipeline, files: list[Path]) -> SubmitReport:
    settings = pipeline.settings
    client = IngestClient(f"http://{settings.ingest_host}:{settings.ingest_port}", API_KEY)
    try:
        return client.submit_files(files)
    finally:
        client.close()


def stored_once(pipeline: Pipeline, ids: set[str]) -> None:
    """Every article is a row and has exactly one ArticleStored event."""
    pipeline.wait_stored(ids)
    settings = pipeline.settings
    pipeline.wait_for(lambda: pipeline.group_done(settings.stream_enriched, "store"), "the store group to finish")
    events = [e.article_id for e in pipeline.stored_events() if e.article_id in ids]
    assert Counter(events) == Counter(ids), "each article announced exactly once"


def test_articles_flow_through_six_partitions_on_three_masters_once_each(
    cluster_pipeline: Pipeline, redis_cluster: LocalCluster
) -> None:
    files = sorted((CORPUS / "seeds").glob("*.txt")) + sorted((CORPUS / "extraction-dev" / "html").iterdir())[:30]
    report = submit(cluster_pipeline, files)
    assert not report.rejected and len(report.accepted) == len(files)
    ids = {article_id for _path, article_id, _trace in report.accepted}

    stored_once(cluster_pipeline, ids)

    settings = cluster_pipeline.settings
    # Each parsed, enriched and stored article sits in its article's partition (the batched stages write
    # to their input's partition, the store announces to its article's), and the partitions used live
    # on every master.
    client = sync_client(settings)
    used: Counter[str] = Counter()
    outputs = ((settings.stream_parsed, ParsedArticle), (settings.stream_enriched, EnrichedArticle),
               (settings.stream_stored, ArticleStored))  # fmt: skip
    for base, model in outputs:
        for stream in cluster_pipeline.partitions(base):
            for message in read_stream(client, stream, model):
                assert stream == partition_stream(base, message.article_id, settings)
                if base == settings.stream_parsed:
                    used[stream] += 1
    client.close()
    assert sum(used.values()) == len(ids)
    masters = {redis_cluster.master_of_slot(key_slot(stream.encode())) for stream in used}
    assert len(used) == PARTITIONS and len(masters) == 3, (used, masters)
    for stage, stream in (("parse", settings.stream_raw), ("enrich", settings.stream_parsed)):
        assert cluster_pipeline.group_done(stream, stage)


def test_a_master_killed_mid_run_loses_and_doubles_nothing(
    cluster_pipeline: Pipeline, redis_cluster: LocalCluster
) -> None:
    files = sorted((CORPUS / "extraction-dev" / "html").iterdir())[30:90]
    reports: list[SubmitReport] = []
    sender = threading.Thread(target=lambda: reports.append(submit(cluster_pipeline, files)))
    sender.start()
    store = cluster_pipeline.store
    before = store.count()
    cluster_pipeline.wait_for(lambda: store.count() >= before + 15, "some articles stored before the failover")
    killed, promoted = redis_cluster.kill_master()
    sender.join(timeout=120)
    [report] = reports
    assert not report.rejected and len(report.accepted) == len(files)

    stored_once(cluster_pipeline, {article_id for _path, article_id, _trace in report.accepted})
    store.engine.dispose()
    redis_cluster.restart(killed)  # back as a replica, for the next test of the session
    assert promoted in redis_cluster.masters()
