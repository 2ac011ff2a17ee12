"""API keys shared by the ingest and query APIs: digests only, the header a request carries them in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from services.common.apikeys import KeyRing, dev_key_problem, key_digest, presented_key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_ring_from_settings_accepts_configured_digests_and_plain_keys_only() -> None:
    assert KeyRing.from_settings([key_digest("from-digest")], []).accepts("from-digest")
    ring = KeyRing.from_settings([], [SecretStr("plain")])
    assert ring.accepts("plain")
    assert not ring.accepts("")
    assert not ring.accepts("plain ")


def test_the_key_is_read_from_x_api_key_or_a_bearer_token() -> None:
    assert presented_key({"x-api-key": "k1"}) == "k1"
    assert presented_key({"authorization": "Bearer k2"}) == "k2"
    assert presented_key({"authorization": "Basic k3"}) == ""
    assert presented_key({}) == ""


def test_plain_keys_are_ignored_once_digests_are_set() -> None:
    # The default plain key, `dev-key`, must not stay valid in a deployment that configured digests.
    ring = KeyRing.from_settings([key_digest("from-digest")], [SecretStr("dev-key")])
    assert ring.accepts("from-digest")
    assert not ring.accepts("dev-key")
    assert KeyRing.from_settings([], [SecretStr("dev-key")]).accepts("dev-key")  # local runs keep working


def _serve(command: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    clean.update(NEWSFLOW_DATABASE_URL=f"sqlite:///{tmp_path}/store.db", NEWSFLOW_LOG_FORMAT="json", **env)
    # Serving would run until killed: the timeout turns that into a failure.
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *command], env=clean, capture_output=True, text=True, timeout=30
    )


@pytest.mark.parametrize(
    ("command", "env"),
    [
        (["worker", "ingest"], {"NEWSFLOW_INGEST_HOST": "0.0.0.0"}),
        (["api", "--host", "0.0.0.0"], {}),
        (["api"], {"NEWSFLOW_API_HOST": "::"}),
    ],
)
def test_a_service_on_a_public_address_with_the_dev_key_refuses_to_start(
    command: list[str], env: dict[str, str], tmp_path: Path, redis_url: str
) -> None:
    port = {"NEWSFLOW_INGEST_PORT": str(free_port()), "NEWSFLOW_API_PORT": str(free_port())}
    result = _serve(command, tmp_path, REDIS_URL=redis_url, **port, **env)
    assert result.returncode != 0
    assert "dev-key" in result.stderr and "refusing to serve" in result.stderr


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_the_dev_key_is_fine_on_loopback(host: str) -> None:
    assert dev_key_problem(host, [], [SecretStr("dev-key")], "NEWSFLOW_API") is None


def test_a_public_address_with_digests_or_own_keys_is_fine() -> None:
    assert dev_key_problem("0.0.0.0", [key_digest("k")], [SecretStr("dev-key")], "NEWSFLOW_API") is None
    assert dev_key_problem("0.0.0.0", [], [SecretStr("change-me")], "NEWSFLOW_API") is None
