from __future__ import annotations

from services.common.logging import redact_secrets


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
