"""HMAC request signing as newsflow's ingest API checks it (NEWSFLOW_INGEST_HMAC_SECRET on the server)."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Newsflow-Signature"
TIMESTAMP_HEADER = "X-Newsflow-Timestamp"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()
