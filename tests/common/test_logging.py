from __future__ import annotations

import io
import json
import logging
import sys

import pytest
import structlog

from services.common.logging import configure_logging, redact_secrets


def test_secret_fields_and_url_passwords_are_redacted():
    event = {
        "event": "connecting to redis://newsflow:hunter2@redis:6379/0",
        "api_key": "nf_abc",
        "ingest_hmac_secret": "s",
        "url": "postgresql://store:pw@db/newsflow",
        "article_id": "a1",
        "title": "Kazem Gharibabadi wrote to Guterres",
    }
    out = redact_secrets(None, "info", dict(event))
    assert out["event"] == "connecting to redis://newsflow:[redacted]@redis:6379/0"
    assert out["api_key"] == out["ingest_hmac_secret"] == "[redacted]"
    assert out["url"] == "postgresql://store:[redacted]@db/newsflow"
    assert (out["article_id"], out["title"]) == ("a1", event["title"])


def test_a_json_log_of_an_error_carries_its_traceback_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    # uvicorn logs a 500 through stdlib logging with exc_info: the traceback must be readable text.
    # A stream of the test's own, never closed (loggers cached now keep it), and the logging set up
    # again on the real stderr afterwards.
    written = io.StringIO()
    monkeypatch.setattr(sys, "stderr", written)
    try:
        configure_logging("test", "json")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
            structlog.get_logger().exception("handler failed")
    finally:
        monkeypatch.undo()
        configure_logging("test", "json")
    lines = [json.loads(line) for line in written.getvalue().splitlines() if line.startswith("{")]
    assert len(lines) == 2
    for line in lines:
        assert "traceback object" not in json.dumps(line)
        assert "Traceback (most recent call last)" in line["exception"] and "RuntimeError: boom" in line["exception"]
