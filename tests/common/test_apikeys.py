"""API keys shared by the ingest and query APIs: digests only, the header a request carries them in."""

from __future__ import annotations

from pydantic import SecretStr

from services.common.apikeys import KeyRing, key_digest, presented_key


def test_a_ring_from_settings_accepts_configured_digests_and_plain_keys_only() -> None:
    ring = KeyRing.from_settings([key_digest("from-digest")], [SecretStr("plain")])
    assert ring.accepts("from-digest")
    assert ring.accepts("plain")
    assert not ring.accepts("")
    assert not ring.accepts("plain ")


def test_the_key_is_read_from_x_api_key_or_a_bearer_token() -> None:
    assert presented_key({"x-api-key": "k1"}) == "k1"
    assert presented_key({"authorization": "Bearer k2"}) == "k2"
    assert presented_key({"authorization": "Basic k3"}) == ""
    assert presented_key({}) == ""
