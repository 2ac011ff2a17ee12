"""Property-based fuzzing of the two places hostile input enters: the ingest API and the parse core.

Whatever comes in, the answer is a 2xx or a 4xx with a reason (never a 5xx), and the parse core
returns an article or raises RejectedInput with a reason (never anything else).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow_schemas import RawArticle
from services.common.errors import RejectedInput
from services.common.settings import Settings
from services.ingest.app import create_app
from services.parse.core import parse

KEY = {"X-API-Key": "fuzz-key"}
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text with what breaks parsers: controls, NUL, lone surrogates are impossible in str, so odd planes.
hostile_text = st.text(alphabet=st.characters(codec="utf-8", categories=None), max_size=2_000) | st.sampled_from(
    ["", "\x00" * 50, "<" * 500, "<div>" * 300, "&#0;&#xD800;&amp;" * 20, "\ufeff<html>"]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | hostile_text,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(hostile_text, inner, max_size=5),
    max_leaves=20,
)
submissions = st.fixed_dictionaries(
    {},
    optional={
        "html": hostile_text,
        "text": hostile_text,
        "url": hostile_text | st.just("https://example.com/a"),
        "source": json_values,
        "fetched_at": hostile_text | st.integers() | st.just("2026-09-08T10:00:00Z"),
        "authors": json_values,
        "title": json_values,
        "published_at": hostile_text,
        "maintext": hostile_text,
    },
)


@pytest.fixture(scope="module")
def api(redis_url: str) -> Iterator[TestClient]:
    app = create_app(
        Settings(
            redis_url=redis_url,
            stream_raw="test-fuzz.raw",
            ingest_api_keys=["fuzz-key"],
            ingest_max_bytes=20_000,
            log_format="json",
            log_level="WARNING",
        )
    )
    with TestClient(app) as client:
        yield client
    import redis

    redis.Redis.from_url(redis_url).delete("test-fuzz.raw")


def assert_answered(response: Any) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["detail"], "a rejection must say why"


@FUZZ
@given(body=json_values)
def test_any_json_body_gets_a_2xx_or_a_4xx_with_a_reason(api: TestClient, body: object) -> None:
    assert_answered(api.post("/v1/articles", content=json.dumps(body), headers=KEY))


@FUZZ
@given(body=submissions)
def test_any_submission_shape_gets_a_2xx_or_a_4xx_with_a_reason(api: TestClient, body: dict[str, Any]) -> None:
    # json.dumps, not httpx's json=: scrapers do send NaN and Infinity, which strict encoders refuse.
    assert_answered(api.post("/v1/articles", content=json.dumps(body), headers=KEY))
    assert_answered(api.post("/v1/articles:batch", content=json.dumps([body, body]), headers=KEY))


@FUZZ
@given(raw=st.binary(max_size=3_000))
def test_any_bytes_get_a_2xx_or_a_4xx_with_a_reason(api: TestClient, raw: bytes) -> None:
    assert_answered(api.post("/v1/articles", content=raw, headers=KEY))


@settings(max_examples=300, deadline=None)
@given(content=hostile_text, as_html=st.booleans())
def test_parse_returns_an_article_or_a_reason(content: str, as_html: bool) -> None:
    if not content:
        content = " "
    raw = RawArticle(article_id="fuzz", trace_id="fuzz", content=content, content_type="html" if as_html else "text")
    try:
        parsed = parse(raw)
    except RejectedInput as exc:
        assert exc.reason
        return
    assert parsed.body.strip()
    assert "\x00" not in parsed.body


@settings(max_examples=50, deadline=None)
@given(depth=st.integers(1, 3_000), tag=st.sampled_from(["div", "p", "span", "table", "b"]), words=hostile_text)
def test_deeply_nested_pages_parse_or_are_rejected(depth: int, tag: str, words: str) -> None:
    html = f"<{tag}>" * depth + f"<p>{words} The story is here and long enough to count.</p>" + f"</{tag}>" * depth
    try:
        parse(RawArticle(article_id="fuzz", trace_id="fuzz", content=html, content_type="html"))
    except RejectedInput as exc:
        assert exc.reason
