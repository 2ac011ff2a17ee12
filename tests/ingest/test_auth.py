from __future__ import annotations

import time

import pytest

from services.ingest.auth import KeyRing, key_digest, new_key, sign, signature_problem


def test_keys_are_checked_against_their_digests_only():
    key, digest = new_key()
    ring = KeyRing([digest, key_digest("second")])
    assert digest != key and key not in str(ring.digests)
    assert ring.accepts(key) and ring.accepts("second")
    assert not ring.accepts("") and not ring.accepts(key + "x")


def test_a_revoked_key_is_one_whose_digest_is_gone():
    key, digest = new_key()
    assert KeyRing([digest]).accepts(key)
    assert not KeyRing([key_digest("other")]).accepts(key)


def test_a_signed_body_is_accepted_and_any_change_is_not():
    now = int(time.time())
    body = b'{"text": "TEHRAN - story"}'
    signature = sign("s3cret", now, body)
    assert signature_problem("s3cret", str(now), signature, body) is None
    assert (
        signature_problem("s3cret", str(now), signature, body + b" ")
        == "the request signature does not match its method, path and body"
    )
    assert signature_problem("other", str(now), signature, body) is not None


def test_unsigned_old_and_malformed_timestamps_are_refused():
    body = b"{}"
    assert "requires signed requests" in (signature_problem("s", None, None, body) or "")
    old = int(time.time()) - 3600
    assert "within 300 s" in (signature_problem("s", str(old), sign("s", old, body), body) or "")
    assert "within 300 s" in (signature_problem("s", "yesterday", "sha256=00", body) or "")


@pytest.mark.parametrize("timestamp", ["²", "٣", "1" * 4_400, "-5", " 17"])
def test_a_timestamp_that_is_not_plain_unix_seconds_is_a_problem_not_a_crash(timestamp: str) -> None:
    problem = signature_problem("secret", timestamp, "sha256=00", b"{}")
    assert problem is not None and "Unix seconds" in problem
