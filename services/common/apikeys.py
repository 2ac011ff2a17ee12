"""API keys kept only as SHA-256 digests: shared by the ingest API and the query API."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Iterable, Mapping

from pydantic import SecretStr

API_KEY_HEADER = "X-API-Key"
# The plain key the settings default to, so that `make run` and the tests need no configuration.
DEV_KEY = "dev-key"


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
        """Digests as configured; only when there are none, the plain development keys (hashed here, then
        forgotten): a deployment that sets digests must not keep accepting the default `dev-key`."""
        configured = list(digests)
        return cls(configured or [key_digest(k.get_secret_value()) for k in plain_keys])

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


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name other than localhost may resolve to anything
        return False


def dev_key_problem(host: str, digests: Iterable[str], plain_keys: Iterable[SecretStr], prefix: str) -> str | None:
    """Why a service must not start on `host` with these keys (the development key reachable from other
    machines), or None. `prefix` names the settings: NEWSFLOW_INGEST or NEWSFLOW_API."""
    if is_loopback(host) or list(digests):  # with digests the plain keys are ignored (KeyRing.from_settings)
        return None
    if not any(key.get_secret_value() == DEV_KEY for key in plain_keys):
        return None
    return (
        f"refusing to serve on {host}: the development key `{DEV_KEY}` would be accepted from other machines. "
        f"Set {prefix}_API_KEY_DIGESTS (`newsflow apikey new`) or {prefix}_API_KEYS, or listen on 127.0.0.1."
    )
