"""Starts the stage workers as separate processes and waits until each one is consuming."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import redis
from pydantic import SecretStr

from services.common import pipeline
from services.common.connection import REDIS_ERRORS, sync_client
from services.common.pipeline import STAGE_NAMES
from services.common.settings import Settings
from services.store.repository import database_engine
from services.store.schema import upgrade

STAGES = STAGE_NAMES  # in pipeline order


class WorkerFailed(RuntimeError):
    pass


@dataclass
class Worker:
    stage: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""


@dataclass
class Workers:
    """A set of running worker processes sharing one environment."""

    settings: Settings
    log_dir: Path
    running: list[Worker] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return settings_env(self.settings)

    def start(self, stage: str, timeout: float = 60) -> Worker:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        count = sum(1 for w in self.running if w.stage == stage)
        log_path = self.log_dir / f"{stage}-{count}.log"
        with log_path.open("ab") as out:  # a restarted worker keeps the log of the one before
            process = subprocess.Popen(
                [sys.executable, "-m", "services.cli", "worker", stage],
                env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        worker = Worker(stage, process, log_path)
        self.running.append(worker)
        self._wait_ready(worker, timeout)
        return worker

    def _wait_ready(self, worker: Worker, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if worker.process.poll() is not None:
                raise WorkerFailed(
                    f"{worker.stage} worker exited with {worker.process.returncode}:\n{worker.log_tail()}"
                )
            if self._is_ready(worker):
                return
            time.sleep(0.2)
        raise WorkerFailed(f"{worker.stage} worker not ready after {timeout} s:\n{worker.log_tail()}")

    def _is_ready(self, worker: Worker) -> bool:
        settings = self.settings
        if not pipeline.stage(worker.stage).reads_stream:  # the HTTP front door
            try:
                url = f"http://{settings.ingest_host}:{settings.ingest_port}/healthz"
                return httpx.get(url, timeout=1).status_code == 200
            except httpx.HTTPError:
                return False
        try:
            clients = _client_list(settings)
        except REDIS_ERRORS:  # a cluster failing over: ask again
            return False
        # A stage worker is ready once its broker connection (named after stage, host and pid) is reading.
        suffix = f"-{worker.process.pid}"
        return any(
            c["name"].startswith(f"newsflow-{worker.stage}-")
            and c["name"].endswith(suffix)
            and c["cmd"] == "xreadgroup"
            for c in clients
        )

    def start_all(self, replicas: dict[str, int] | None = None, stages: tuple[str, ...] = STAGES) -> None:
        if "store" in stages:
            migrate(self.settings.database_url)  # the migration step, as a deployment runs it before the workers
        for stage in stages:
            for _ in range((replicas or {}).get(stage, 1)):
                self.start(stage)

    def stop(self, worker: Worker, timeout: float = 20) -> int:
        if worker.process.poll() is None:
            worker.process.send_signal(signal.SIGTERM)
            try:
                worker.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
        return worker.process.returncode

    def stop_all(self) -> None:
        for worker in reversed(self.running):
            self.stop(worker)
        self.running.clear()


def migrate(database_url: str) -> None:
    """`newsflow db upgrade` on the database: the store worker refuses a schema behind this release's."""
    engine = database_engine(database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def _client_list(settings: Settings) -> list[dict[str, Any]]:
    """CLIENT LIST of the Redis server, or of every node of a cluster (a worker reads from several)."""
    client = sync_client(settings, decode_responses=True)
    try:
        if isinstance(client, redis.RedisCluster):
            return [c for node in client.get_nodes() for c in client.client_list(target_nodes=node)]
        return list(client.client_list())
    finally:
        client.close()


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a child process exactly these settings, secrets included."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    for name, value in settings.model_dump(mode="json").items():
        if value is None:
            continue
        raw = getattr(settings, name)
        if isinstance(raw, SecretStr):  # model_dump masks secrets as "**********"
            value = raw.get_secret_value()
        elif isinstance(raw, list) and raw and isinstance(raw[0], SecretStr):
            value = [item.get_secret_value() for item in raw]
        env[f"NEWSFLOW_{name.upper()}"] = value if isinstance(value, str) else json.dumps(value)
    return env
