"""The ingest HTTP API against a real Redis: 202 with ids, readable 4xx, nothing on the stream for bad input."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from pydantic import SecretStr

from newsflow_schemas import RawArticle
from services.common.settings import Settings
from services.common.streamread import read_stream
from services.ingest.app import create_app
from services.ingest.auth import SIGNATURE_HEADER, TIMESTAMP_HEADER, key_digest, sign, sign_request
from services.ingest.backlog import CACHE_SECONDS
from services.ingest.client import IngestClient
from services.ingest.files import find_files

KEY = {"X-API-Key": "test-key"}


@pytest.fixture()
def settings(redis_url: str, stream_prefix: str) -> Settings:
    return Settings(
        redis_url=redis_url,
        stream_raw=f"{stream_prefix}.raw",
        ingest_api_keys=["test-key", "second-key"],
        ingest_max_bytes=10_000,
        log_format="json",
    )


@pytest.fixture()
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


def raw_entries(settings: Settings) -> list[RawArticle]:
    return list(read_stream(redis.Redis.from_url(settings.redis_url), settings.stream_raw, RawArticle))


def test_one_article_is_accepted_and_published(client: TestClient, settings: Settings, seeds: dict[str, str]) -> None:
    response = client.post("/v1/articles", json={"text": seeds["003"], "source": "test"}, headers=KEY)
    assert response.status_code == 202
    accepted = response.json()["accepted"]
    assert len(accepted) == 1
    [raw] = raw_entries(settings)
    assert raw.article_id == accepted[0]["article_id"]
    assert raw.trace_id == accepted[0]["trace_id"]
    assert raw.content == seeds["003"]
    assert raw.times.ingested_at is not None


def test_a_batch_is_accepted_whole(client: TestClient, settings: Settings) -> None:
    response = client.post("/v1/articles:batch", json=[{"text": "first"}, {"html": "<p>second</p>"}], headers=KEY)
    assert response.status_code == 202
    assert [r.content_type for r in raw_entries(settings)] == ["text", "html"]


def test_any_configured_key_works_also_as_bearer(client: TestClient) -> None:
    response = client.post("/v1/articles", json={"text": "x"}, headers={"Authorization": "Bearer second-key"})
    assert response.status_code == 202


@pytest.mark.parametrize(
    ("path", "body", "headers", "status", "reason"),
    [
        ("/v1/articles", b'{"text": "x"}', {}, 401, "API key"),
        ("/v1/articles", b'{"text": "x"}', {"X-API-Key": "wrong"}, 401, "API key"),
        ("/v1/articles", b'{"text": "x",', KEY, 422, "not valid JSON"),
        ("/v1/articles", b'{"text": ""}', KEY, 422, "no content"),
        ("/v1/articles", b'{"text": "' + b"x" * 20_000 + b'"}', KEY, 413, "10,000-byte limit"),
        ("/v1/articles:batch", b'[{"text": "ok"}, {"text": " "}]', KEY, 422, "article 1: "),
        ("/v1/articles:batch", b"[]", KEY, 422, "non-empty JSON array"),
        ("/v1/articles", b'"just a string"', KEY, 422, "JSON object"),
    ],
)
def test_bad_requests_get_a_clear_4xx_and_reach_no_stream(
    client: TestClient,
    settings: Settings,
    path: str,
    body: bytes,
    headers: dict[str, str],
    status: int,
    reason: str,
) -> None:
    response = client.post(path, content=body, headers={"Content-Type": "application/json", **headers})
    assert response.status_code == status
    assert reason in response.json()["detail"]
    assert raw_entries(settings) == []


def test_the_same_article_twice_gets_the_same_id(client: TestClient) -> None:
    first = client.post("/v1/articles", json={"text": "Same wire."}, headers=KEY).json()["accepted"][0]
    second = client.post("/v1/articles", json={"text": "Same  wire. "}, headers=KEY).json()["accepted"][0]
    assert first["article_id"] == second["article_id"]
    assert first["trace_id"] != second["trace_id"]


def test_ingest_answers_503_with_retry_after_while_parse_is_behind(settings: Settings) -> None:
    settings = settings.model_copy(update={"ingest_max_backlog": 2, "ingest_retry_after_s": 7})
    client = redis.Redis.from_url(settings.redis_url)
    client.xgroup_create(settings.stream_raw, "parse", id="$", mkstream=True)
    with TestClient(create_app(settings)) as api:
        for text in ("one", "two"):
            assert api.post("/v1/articles", json={"text": text}, headers=KEY).status_code == 202
        time.sleep(CACHE_SECONDS * 1.5)  # the backlog figure is cached briefly

        refused = api.post("/v1/articles", json={"text": "three"}, headers=KEY)
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "7"
        assert "2 articles are waiting" in refused.json()["detail"]
        assert len(raw_entries(settings)) == 2

        # parse catches up: reads and acknowledges both; ingest accepts again
        entries = client.xreadgroup("parse", "test-consumer", {settings.stream_raw: ">"})
        client.xack(settings.stream_raw, "parse", *[entry_id for entry_id, _ in entries[0][1]])
        time.sleep(CACHE_SECONDS * 1.5)
        assert api.post("/v1/articles", json={"text": "three"}, headers=KEY).status_code == 202


def test_keys_configured_as_digests_work_and_plain_text_is_not_needed(settings: Settings) -> None:
    digest_only = settings.model_copy(update={"ingest_api_keys": [], "ingest_api_key_digests": [key_digest("nf_k1")]})
    with TestClient(create_app(digest_only)) as api:
        assert api.post("/v1/articles", json={"text": "x"}, headers={"X-API-Key": "nf_k1"}).status_code == 202
        assert api.post("/v1/articles", json={"text": "x"}, headers=KEY).status_code == 401


def test_with_an_hmac_secret_only_signed_requests_are_accepted(settings: Settings) -> None:
    signed_only = settings.model_copy(update={"ingest_hmac_secret": SecretStr("hmac-secret")})
    body = json.dumps({"text": "TEHRAN - signed"}).encode()
    now = int(time.time())
    with TestClient(create_app(signed_only)) as api:
        unsigned = api.post("/v1/articles", content=body, headers=KEY)
        assert unsigned.status_code == 401 and "signed" in unsigned.json()["detail"]
        forged = {**KEY, TIMESTAMP_HEADER: str(now), SIGNATURE_HEADER: sign("guess", now, body)}
        assert api.post("/v1/articles", content=body, headers=forged).status_code == 401
        good = {**KEY, TIMESTAMP_HEADER: str(now), SIGNATURE_HEADER: sign("hmac-secret", now, body)}
        assert api.post("/v1/articles", content=body, headers=good).status_code == 202
    assert [r.content for r in raw_entries(settings)] == ["TEHRAN - signed"]


NDJSON = {**KEY, "Content-Type": "application/x-ndjson"}


def test_json_lines_batch_rejects_a_bad_line_alone_with_its_number(client: TestClient, settings: Settings) -> None:
    body = '{"text": "first"}\n{"text": "sec\n\n{"html": "<p>fourth</p>"}\n{"date_publish": "x", "maintext": "5"}\n'

    response = client.post("/v1/articles:batch", content=body, headers=NDJSON)

    assert response.status_code == 202
    assert len(response.json()["accepted"]) == 2
    rejected = response.json()["rejected"]
    assert [r["line"] for r in rejected] == [2, 5]
    assert rejected[0]["reason"].startswith("line is not valid JSON")
    assert rejected[1]["reason"] == "date_publish: 'x' is not a date"
    assert [r.content for r in raw_entries(settings)] == ["first", "<p>fourth</p>"]


def test_json_lines_batch_with_no_good_line_is_422_naming_the_lines(client: TestClient, settings: Settings) -> None:
    response = client.post("/v1/articles:batch", content='{"nope": 1}\n[1]\n', headers=NDJSON)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("no line was accepted: line 1: the article has no content")
    assert "line 2: line is not a JSON object" in response.json()["detail"]
    assert raw_entries(settings) == []


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
@pytest.mark.parametrize("field", ["published_at", "fetched_at"])
def test_a_date_that_cannot_be_converted_to_utc_is_a_422(
    client: TestClient, settings: Settings, field: str, moment: str
) -> None:
    response = client.post("/v1/articles", json={"text": "TEHRAN - x", field: moment}, headers=KEY)
    assert response.status_code == 422
    assert field in response.json()["detail"] and "UTC" in response.json()["detail"]
    assert raw_entries(settings) == []


def test_the_dev_key_is_refused_once_digests_are_set(settings: Settings) -> None:
    defaults = settings.model_copy(update={"ingest_api_keys": Settings().ingest_api_keys})  # ["dev-key"]
    with_digests = defaults.model_copy(update={"ingest_api_key_digests": [key_digest("nf_k1")]})
    with TestClient(create_app(with_digests)) as api:
        assert api.post("/v1/articles", json={"text": "x"}, headers={"X-API-Key": "dev-key"}).status_code == 401
        assert api.post("/v1/articles", json={"text": "x"}, headers={"X-API-Key": "nf_k1"}).status_code == 202


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"text": "x", "url": "http://example.com:99999/a"}', "url"),
        (b'{"text": "x", "url": "http://[::1"}', "url"),
        (b'{"html": "<link rel=\\"canonical\\" href=\\"http://example.com:99999/a\\"><p>x</p>"}', ""),
        (b'{"text": "x \\ud800 y"}', "surrogate"),
        (b'{"text": "x", "title": "\\udfff"}', "title"),
        (b'{"text": "x", "a": ' + b"[" * 4000 + b"]" * 4000 + b"}", "nested"),
    ],
    ids=["port-99999", "unclosed-ipv6", "canonical-port-99999", "lone-surrogate", "surrogate-in-title", "deep-json"],
)
def test_a_client_error_is_a_422_with_a_reason_never_a_500(
    client: TestClient, settings: Settings, body: bytes, reason: str
) -> None:
    response = client.post("/v1/articles", content=body, headers={"Content-Type": "application/json", **KEY})
    if response.status_code == 202:  # a canonical URL that cannot be read is ignored, not fatal
        assert reason == "" and len(raw_entries(settings)) == 1
        return
    assert response.status_code == 422, response.text
    assert reason in response.json()["detail"]
    assert raw_entries(settings) == []


def test_newsflow_ingest_on_a_folder_reports_a_bad_file_and_goes_on(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "a-good.txt").write_text("TEHRAN - the first good wire")
    (tmp_path / "b-deep.json").write_text('{"text": "x", "a": ' + "[" * 100_000 + "]" * 100_000 + "}")
    (tmp_path / "c-surrogate.json").write_text('{"text": "lone \\ud800 surrogate"}')
    (tmp_path / "d-port.json").write_text('{"text": "x", "url": "http://example.com:99999/a"}')
    (tmp_path / "e-good.txt").write_text("TEHRAN - the second good wire")
    submitter = IngestClient("http://testserver", "test-key")
    client.headers.update(KEY)
    submitter.http = client  # the real ingest app on the real Redis, in process

    report = submitter.submit_files(find_files([tmp_path]))

    assert sorted(path.name for path, _, _ in report.accepted) == ["a-good.txt", "e-good.txt"]
    rejected = {path.name: reason for path, reason in report.rejected}
    assert sorted(rejected) == ["c-surrogate.json", "d-port.json"]
    assert "lone surrogate" in rejected["c-surrogate.json"] and "Port out of range" in rejected["d-port.json"]
    (deep,) = [f for f in report.files if f.path.name == "b-deep.json"]  # read as one JSON line, skipped
    assert deep.skipped == {"line is not valid JSON": 1}
    assert len(raw_entries(settings)) == 2


def test_an_author_longer_than_a_name_is_a_422(client: TestClient, settings: Settings) -> None:
    response = client.post("/v1/articles", json={"text": "x", "authors": ["a" * 600]}, headers=KEY)
    assert response.status_code == 422 and "authors.0" in response.json()["detail"]
    assert raw_entries(settings) == []


def _signed(secret: str, body: bytes, path: str = "/v1/articles", method: str = "POST") -> dict[str, str]:
    now = int(time.time())
    return {**KEY, TIMESTAMP_HEADER: str(now), SIGNATURE_HEADER: sign_request(secret, now, method, path, body)}


def test_a_signed_request_cannot_be_replayed(settings: Settings) -> None:
    signed_only = settings.model_copy(update={"ingest_hmac_secret": SecretStr("hmac-secret")})
    body = json.dumps({"text": "TEHRAN - signed once"}).encode()
    headers = _signed("hmac-secret", body)
    with TestClient(create_app(signed_only)) as api:
        assert api.post("/v1/articles", content=body, headers=headers).status_code == 202
        replayed = api.post("/v1/articles", content=body, headers=headers)
        assert replayed.status_code == 401 and "already" in replayed.json()["detail"]
        now = int(time.time())  # the body-only signature of older clients: accepted for now, once too
        legacy = {**KEY, TIMESTAMP_HEADER: str(now), SIGNATURE_HEADER: sign("hmac-secret", now, body)}
        assert api.post("/v1/articles", content=body, headers=legacy).status_code == 202
        assert api.post("/v1/articles", content=body, headers=legacy).status_code == 401
    assert len(raw_entries(settings)) == 2


def test_the_signature_covers_the_method_and_path(settings: Settings) -> None:
    signed_only = settings.model_copy(update={"ingest_hmac_secret": SecretStr("hmac-secret")})
    body = json.dumps([{"text": "TEHRAN - signed for one path"}]).encode()
    with TestClient(create_app(signed_only)) as api:
        elsewhere = _signed("hmac-secret", body, path="/v1/articles")
        assert api.post("/v1/articles:batch", content=body, headers=elsewhere).status_code == 401
        here = _signed("hmac-secret", body, path="/v1/articles:batch")
        assert api.post("/v1/articles:batch", content=body, headers=here).status_code == 202


def test_a_signed_request_that_failed_for_an_outage_may_be_sent_again(settings: Settings) -> None:
    signed_only = settings.model_copy(update={"ingest_hmac_secret": SecretStr("hmac-secret"), "ingest_max_backlog": 1})
    client = redis.Redis.from_url(settings.redis_url)
    client.xgroup_create(settings.stream_raw, "parse", id="$", mkstream=True)
    with TestClient(create_app(signed_only)) as api:
        first = json.dumps({"text": "TEHRAN - one"}).encode()
        assert api.post("/v1/articles", content=first, headers=_signed("hmac-secret", first)).status_code == 202
        time.sleep(CACHE_SECONDS * 1.5)
        body = json.dumps({"text": "TEHRAN - two"}).encode()
        headers = _signed("hmac-secret", body)
        assert api.post("/v1/articles", content=body, headers=headers).status_code == 503  # not written
        entries = client.xreadgroup("parse", "test-consumer", {settings.stream_raw: ">"})
        client.xack(settings.stream_raw, "parse", *[entry_id for entry_id, _ in entries[0][1]])
        time.sleep(CACHE_SECONDS * 1.5)
        assert api.post("/v1/articles", content=body, headers=headers).status_code == 202  # the same, again


def test_json_nested_just_under_the_parser_limit_is_not_a_500(client: TestClient, settings: Settings) -> None:
    # json.loads takes it; nothing after may recurse over it (an extra key is ignored: accepted).
    settings_body = b'{"text": "x", "extra": ' + b"[" * 950 + b"]" * 950 + b"}"
    response = client.post("/v1/articles", content=settings_body, headers={"Content-Type": "application/json", **KEY})
    assert response.status_code in (202, 422), response.text
