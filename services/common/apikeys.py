"""API keys kept only as SHA-256 digests: shared by the ingest API and the query API."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping

from pydantic import SecretStr

API_KEY_HEADER = "X-API-Key"


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

    @classmethod
    def from_settings(cls, digests: Iterable[str], plain_keys: Iterable[SecretStr]) -> KeyRing:
        """Digests as configured, plus the plain development keys (hashed here, then forgotten)."""
        return cls([*digests, *(key_digest(k.get_secret_value()) for k in plain_keys)])

    def accepts(self, key: str) -> bool:
        given = hashlib.sha256(key.encode()).digest()
        # compare_digest against every entry: the time taken does not tell which key nearly matched.
        return any([hmac.compare_digest(given, digest) for digest in self.digests])


def presented_key(headers: Mapping[str, str]) -> str:
    """The key a request carries: X-API-Key, or `Authorization: Bearer <key>`; "" when none."""
    given = headers.get(API_KEY_HEADER.lower(), "")
    authorization = headers.get("authorization", "")
    if not given and authorization.lower().startswith("bearer "):
        given = authorization[7:]
    return given
