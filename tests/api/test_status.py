"""The status JSON the web page polls: `newsflow status`'s numbers from real Redis, and the store's count."""

from __future__ import annotations

import redis
from fastapi.testclient import TestClient

from services.common.settings import Settings

from .conftest import KEY
from .stories import ALL


def test_status_has_the_pipeline_numbers_and_the_stored_count(client: TestClient, settings: Settings) -> None:
    r = redis.Redis.from_url(settings.redis_url)
    for n in range(3):
        r.xadd(settings.stream_raw, {"n": n})
    r.xgroup_create(settings.stream_raw, "parse", id="0")
    r.xreadgroup("parse", "parse-1", {settings.stream_raw: ">"}, count=1)
    r.xadd(settings.stream_dlq, {"n": 0})

    response = client.get("/v1/status", headers=KEY)

    assert response.status_code == 200
    status = response.json()
    parse = status["stages"][0]
    assert (parse["stage"], parse["stream"]) == ("parse", settings.stream_raw)
    assert (parse["length"], parse["pending"], parse["backlog"]) == (3, 1, 3)
    assert [c["name"] for c in parse["consumers"]] == ["parse-1"]
    assert status["stages"][1]["backlog"] is None
    assert status["dlq"] == 1
    assert status["stored_articles"] == len(ALL)


def test_status_without_redis_is_503_not_a_crash(store: object, settings: Settings) -> None:
    from services.api.app import create_app

    unreachable = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    with TestClient(create_app(unreachable)) as client:
        response = client.get("/v1/status", headers=KEY)
        assert response.status_code == 503
        assert "Redis does not answer" in response.json()["detail"]
        assert client.get("/v1/articles", headers=KEY).status_code == 200
