"""newsflow_client against a fake transport (an adapter): retries, back-off, batching, signing."""

from __future__ import annotations

import json

import httpx
import pytest

from newsflow_client import IngestRefused, IngestUnavailable, NewsflowClient
from services.ingest.auth import signature_problem


def client_answering(
    *responses: httpx.Response, **options: object
) -> tuple[NewsflowClient, list[httpx.Request], list[float]]:
    queue, seen, slept = list(responses), [], []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        response = queue.pop(0)
        if isinstance(response, Exception):
            raise response
        return response

    client = NewsflowClient(
        "http://ingest.test",
        "key",
        transport=httpx.MockTransport(answer),
        sleep=slept.append,
        **options,  # type: ignore[arg-type]
    )
    return client, seen, slept


def accepted(*ids: str) -> httpx.Response:
    return httpx.Response(202, json={"accepted": [{"article_id": i, "trace_id": "t" + i} for i in ids]})


def test_503_is_retried_after_what_retry_after_asks() -> None:
    client, seen, slept = client_answering(
        httpx.Response(503, headers={"Retry-After": "7"}, json={"detail": "busy"}), accepted("a")
    )
    [outcome] = client.send([{"text": "x"}])
    assert outcome.article_id == "a"
    assert slept == [7.0]
    assert seen[0].content == seen[1].content


def test_5xx_and_connection_errors_back_off_exponentially() -> None:
    client, _, slept = client_answering(
        httpx.Response(502, text="bad gateway"),
        httpx.ConnectError("refused"),  # type: ignore[arg-type]
        httpx.Response(500, text="oops"),
        accepted("a"),
    )
    [outcome] = client.send([{"text": "x"}])
    assert outcome.accepted
    assert len(slept) == 3
    assert 0.25 <= slept[0] <= 0.5 and 0.5 <= slept[1] <= 1.0 and 1.0 <= slept[2] <= 2.0


def test_an_api_down_for_too_long_is_an_error_not_a_loop() -> None:
    client, _, _ = client_answering(*[httpx.Response(503, headers={"Retry-After": "30"})] * 5, max_wait=60)
    with pytest.raises(IngestUnavailable, match="still unavailable"):
        client.send([{"text": "x"}])


def test_a_wrong_key_is_not_retried() -> None:
    client, seen, _ = client_answering(httpx.Response(401, json={"detail": "missing or wrong API key"}))
    with pytest.raises(IngestRefused, match="401"):
        client.send([{"text": "x"}])
    assert len(seen) == 1


def test_articles_go_in_batches_and_a_refused_batch_is_split_to_find_the_bad_article() -> None:
    client, seen, _ = client_answering(
        accepted("a", "b"),
        httpx.Response(422, json={"detail": "article 1: no content"}),
        accepted("c"),
        httpx.Response(422, json={"detail": "the article has no content"}),
        batch_items=2,
    )
    outcomes = client.send([{"text": "1"}, {"text": "2"}, {"text": "3"}, {"nothing": 4}])
    assert [len(json.loads(r.content)) for r in seen] == [2, 2, 1, 1]
    assert [(o.article_id, o.reason) for o in outcomes] == [
        ("a", None),
        ("b", None),
        ("c", None),
        (None, "the article has no content"),
    ]


def test_signed_requests_pass_the_servers_check() -> None:
    client, seen, _ = client_answering(accepted("a"), hmac_secret="s3cret")
    client.send([{"text": "x", "published_at": __import__("datetime").date(2026, 3, 4)}])
    request = seen[0]
    timestamp, signature = request.headers["X-Newsflow-Timestamp"], request.headers["X-Newsflow-Signature"]
    assert signature.startswith("v2=")  # the method and path signed too
    assert signature_problem("s3cret", timestamp, signature, request.content, request.method, request.url.path) is None
    assert signature_problem("s3cret", timestamp, signature, request.content, "POST", "/v1/articles") is not None
    assert json.loads(request.content) == [{"text": "x", "published_at": "2026-03-04"}]
