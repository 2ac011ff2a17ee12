"""The submit client's handling of ingest answers (an adapter: a fake transport is enough here)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from services.ingest.client import IngestClient


def client_answering(*responses: httpx.Response) -> tuple[IngestClient, list[httpx.Request]]:
    queue, seen = list(responses), []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return queue.pop(0)

    client = IngestClient("http://ingest.test", "key")
    client.http = httpx.Client(base_url="http://ingest.test", transport=httpx.MockTransport(answer))
    return client, seen


def test_back_pressure_is_waited_out_and_the_same_batch_sent_again(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("TEHRAN - a story")
    accepted = {"accepted": [{"article_id": "a1", "trace_id": "t1"}]}
    client, seen = client_answering(
        httpx.Response(503, headers={"Retry-After": "0.1"}, json={"detail": "busy"}),
        httpx.Response(202, json=accepted),
    )

    report = client.submit_files([tmp_path / "a.txt"])

    assert [(p.name, a, t) for p, a, t in report.accepted] == [("a.txt", "a1", "t1")]
    assert len(seen) == 2
    assert json.loads(seen[0].content) == json.loads(seen[1].content)
