"""HMAC request signing as newsflow's ingest API checks it (NEWSFLOW_INGEST_HMAC_SECRET on the server)."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Newsflow-Signature"
TIMESTAMP_HEADER = "X-Newsflow-Timestamp"


def sign_request(secret: str, timestamp: int, method: str, path: str, body: bytes) -> str:
    """`v2=<hex HMAC-SHA256 of "<timestamp>.<METHOD>.<path>.<body>">`: a request signed for one endpoint
    cannot be sent to another (the path without the query string, as the server receives it)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{method.upper()}.{path}.".encode() + body, hashlib.sha256)
    return "v2=" + mac.hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the body-only signature of older clients (the
    ingest API still accepts it, deprecated; webhook deliveries are signed so)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()
