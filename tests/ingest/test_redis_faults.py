"""Ingest while its Redis fails, on a private redis-server of the test's own (stopped, hung, out of memory):
503 with Retry-After and /healthz failing while no article can be written, never a 500 and never a 202."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient

from newsflow_harness.local.servers import LocalServer, ServerUnavailable, start_redis
from services.common.settings import Settings
from services.ingest.app import create_app

KEY = {"X-API-Key": "test-key"}


@pytest.fixture()
def private_redis() -> Iterator[LocalServer]:
    try:
        server = start_redis()
    except ServerUnavailable as exc:
        pytest.skip(str(exc))
    yield server
    if server.process.poll() is None:
        os.kill(server.process.pid, signal.SIGCONT)
    server.stop()


@pytest.fixture()
def api(private_redis: LocalServer) -> Iterator[TestClient]:
    settings = Settings(
        redis_url=private_redis.url, ingest_api_keys=["test-key"], ingest_redis_timeout_s=0.5, ingest_retry_after_s=3
    )
    with TestClient(create_app(settings)) as client:
        yield client


def post(api: TestClient, text: str = "TEHRAN - wire") -> tuple[int, str | None]:
    response = api.post("/v1/articles", json={"text": text}, headers=KEY)
    return response.status_code, response.headers.get("Retry-After")


def test_redis_down_is_a_503_with_retry_after_and_a_failing_health_check(
    api: TestClient, private_redis: LocalServer
) -> None:
    assert post(api) == (202, None)
    private_redis.halt()
    assert post(api) == (503, "3")
    assert api.get("/healthz").status_code == 503
    private_redis.resume()  # the pooled connection is stale now: the first request must still work
    assert post(api) == (202, None)
    assert api.get("/healthz").status_code == 200


def test_redis_hung_is_a_503_within_the_timeout(api: TestClient, private_redis: LocalServer) -> None:
    assert post(api) == (202, None)
    os.kill(private_redis.process.pid, signal.SIGSTOP)
    try:
        assert post(api) == (503, "3")
        assert api.get("/healthz").status_code == 503
    finally:
        os.kill(private_redis.process.pid, signal.SIGCONT)
    assert post(api) == (202, None)


def test_redis_out_of_memory_is_a_503_and_a_failing_health_check(api: TestClient, private_redis: LocalServer) -> None:
    admin = redis.Redis.from_url(private_redis.url)
    assert post(api) == (202, None)
    admin.config_set("maxmemory", 1)  # noeviction: every write is refused, reads and PING still work
    try:
        assert post(api) == (503, "3")
        assert api.get("/healthz").status_code == 503
    finally:
        admin.config_set("maxmemory", 0)
    assert api.get("/healthz").status_code == 200
    assert post(api) == (202, None)
    assert admin.xlen("articles.raw") == 2  # exactly the two answered 202
