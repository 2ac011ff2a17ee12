"""Two parse replicas in one consumer group: the work is shared and each article is parsed once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from newsflow_schemas import ParsedArticle
from services.common.streamread import read_stream

from .conftest import Pipeline, pipeline_settings, run_pipeline

pytestmark = pytest.mark.integration


@pytest.fixture()
def two_parsers(redis_url: str, tmp_path: Path) -> Iterator[Pipeline]:
    settings = pipeline_settings(redis_url, f"sqlite:///{tmp_path}/newsflow.db")
    yield from run_pipeline(settings, tmp_path / "logs", replicas={"parse": 2, "enrich": 0, "store": 0})


def test_two_parse_replicas_parse_each_article_once(two_parsers: Pipeline) -> None:
    texts = [f"LONDON (Reuters) - Story number {n} about the harbour. It has two sentences." for n in range(40)]
    response = two_parsers.submit([{"text": t} for t in texts], path="/v1/articles:batch")
    assert response.status_code == 202
    ids = [a["article_id"] for a in response.json()["accepted"]]
    assert len(set(ids)) == 40
    settings = two_parsers.settings
    two_parsers.wait_for(lambda: two_parsers.group_done(settings.stream_raw, "parse"), "parse to finish")

    parsed = list(read_stream(redis.Redis.from_url(settings.redis_url), settings.stream_parsed, ParsedArticle))
    assert sorted(p.article_id for p in parsed) == sorted(ids)  # all of them, none twice
    consumers = two_parsers.redis.xinfo_consumers(settings.stream_raw, "parse")
    assert len(consumers) == 2
    assert len({c["name"] for c in consumers}) == 2
