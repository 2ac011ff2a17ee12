"""Who may submit: API keys kept only as SHA-256 digests, and optional HMAC-signed requests."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

# A signed request older or newer than this is refused, so a captured one cannot be replayed later.
MAX_CLOCK_SKEW_S = 300
SIGNATURE_HEADER = "X-Newsflow-Signature"
TIMESTAMP_HEADER = "X-Newsflow-Timestamp"


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """A fresh random API key and the digest to configure (the key itself is shown once, never stored)."""
    key = "nf_" + secrets.token_urlsafe(32)
    return key, key_digest(key)


class KeyRing:
    """Accepted keys by digest; revoking a key is removing its digest from the settings."""

    def __init__(self, digests: list[str]) -> None:
        self.digests = [bytes.fromhex(d) for d in digests]

    def accepts(self, key: str) -> bool:
        given = hashlib.sha256(key.encode()).digest()
        # compare_digest against every entry: the time taken does not tell which key nearly matched.
        return any([hmac.compare_digest(given, digest) for digest in self.digests])


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signature_problem(secret: str, timestamp: str | None, signature: str | None, body: bytes) -> str | None:
    """Why a request's signature is not acceptable, or None when it is."""
    if not timestamp or not signature:
        return f"this API requires signed requests: send {TIMESTAMP_HEADER} and {SIGNATURE_HEADER}"
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW_S:
        return f"{TIMESTAMP_HEADER} must be Unix seconds within {MAX_CLOCK_SKEW_S} s of the server's clock"
    if not hmac.compare_digest(sign(secret, int(timestamp), body), signature):
        return "the request signature does not match its body"
    return None
