"""Who may submit: API keys (services.common.apikeys) and optional HMAC-signed requests."""

from __future__ import annotations

import hashlib
import hmac
import time

from newsflow_client.signing import sign_request

# The key helpers moved to services.common.apikeys (the query API uses them too); kept importable here.
from services.common.apikeys import KeyRing, key_digest, new_key

__all__ = ["KeyRing", "key_digest", "new_key", "sign", "sign_request", "signature_problem"]

# A signed request older or newer than this is refused, so a captured one cannot be replayed later.
MAX_CLOCK_SKEW_S = 300
MAX_TIMESTAMP_DIGITS = 12
SIGNATURE_HEADER = "X-Newsflow-Signature"
TIMESTAMP_HEADER = "X-Newsflow-Timestamp"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signature_problem(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, method: str = "POST", path: str = ""
) -> str | None:
    """Why a request's signature is not acceptable, or None when it is: `v2=` signs the method and path
    too (sign_request); the body-only `sha256=` of older clients is still accepted (deprecated, until
    the next version). A signature that is acceptable may still be a replay: see the ingest app."""
    if not timestamp or not signature:
        return f"this API requires signed requests: send {TIMESTAMP_HEADER} and {SIGNATURE_HEADER}"
    # ASCII digits only, and few: "²".isdigit() holds but int() refuses it, as it does 4,300 digits and more.
    plain = timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= MAX_TIMESTAMP_DIGITS
    if not plain or abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW_S:
        return f"{TIMESTAMP_HEADER} must be Unix seconds within {MAX_CLOCK_SKEW_S} s of the server's clock"
    expected = (
        sign_request(secret, int(timestamp), method, path, body)
        if signature.startswith("v2=")
        else sign(secret, int(timestamp), body)
    )
    if not hmac.compare_digest(expected, signature):
        return "the request signature does not match its method, path and body"
    return None
