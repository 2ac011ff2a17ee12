"""The compose stack end to end (make test-containers): the image built, `deploy/stack up` until every
container is healthy, the seeds and dev pages submitted to the ingest container, every article in
PostgreSQL with its ArticleStored event, the read-only API answering a search, an enrich worker's
container killed mid-run and replaced without losing an article, then `deploy/stack down`.

Runs once per session (a few minutes), on a compose project and free ports of its own; where no Docker
engine answers, deploy/stack starts a private one (docker-local), and stops it again at the end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text

from newsflow_harness.corpus import CORPUS
from newsflow_harness.local.servers import free_port
from newsflow_schemas import ArticleStored
from services.common.connection import sync_client
from services.common.pipeline import STAGE_NAMES
from services.common.settings import Settings
from services.common.streamread import read_stream
from services.ingest.client import IngestClient
from services.ingest.files import find_files
from services.store import schema

# Building the image on a machine that never did takes several minutes: more than the usual timeout.
pytestmark = [pytest.mark.containers, pytest.mark.timeout(2400)]

REPO = Path(__file__).resolve().parents[2]
STACK = REPO / "deploy" / "stack"
DOCKER_LOCAL = Path(os.environ.get("DOCKER_LOCAL", REPO.parent / "shared/tools/docker-local/docker-local"))
KEY = "change-me"  # compose.yaml's development key
KILL_AFTER = 10  # articles stored before the store worker's container is killed


@dataclass
class Stack:
    env: dict[str, str]
    database: Engine
    settings: Settings  # the host's view: Redis on its published port
    ingest_url: str
    api_url: str
    up_seconds: float
    timings: dict[str, float] = field(default_factory=dict)

    def docker(self, *args: str) -> str:
        done = subprocess.run(["docker", *args], env=self.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"docker {' '.join(args)}: {done.stderr}"
        return done.stdout.strip()

    def compose(self, *args: str) -> str:
        if subprocess.run(["docker", "compose", "version"], env=self.env, capture_output=True).returncode == 0:
            return self.docker("compose", *args)
        done = subprocess.run(["docker-compose", *args], env=self.env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"docker-compose {' '.join(args)}: {done.stderr}"
        return done.stdout.strip()

    def containers(self, service: str | None = None) -> list[dict[str, str]]:
        label = f"label=com.docker.compose.project={self.env['COMPOSE_PROJECT_NAME']}"
        ids = self.docker("ps", "-aq", "--filter", label).split()
        rows = [
            {
                "id": container["Id"],
                "service": container["Config"]["Labels"]["com.docker.compose.service"],
                "state": container["State"]["Status"],
                "health": container["State"].get("Health", {}).get("Status", ""),
                "exit": str(container["State"]["ExitCode"]),
                "started": container["State"]["StartedAt"],
                "finished": container["State"]["FinishedAt"],
            }
            for container in json.loads(self.docker("inspect", *ids))
        ]
        return [row for row in rows if service in (None, row["service"])]

    def announced(self) -> list[str]:
        """The article of every ArticleStored event, in the order they were added."""
        redis = sync_client(self.settings)
        try:
            return [event.article_id for event in read_stream(redis, self.settings.stream_stored, ArticleStored)]
        finally:
            redis.close()

    def stored_ids(self) -> set[str]:
        with self.database.connect() as conn:
            return set(conn.execute(text("SELECT article_id FROM articles")).scalars())


def _engine_can_start() -> str | None:
    """Why no engine can be had here, or None."""
    if shutil.which("docker") is None and not DOCKER_LOCAL.exists():
        return "no docker command and no docker-local tool"
    engine = subprocess.run([str(STACK), "engine"], capture_output=True, text=True, timeout=300)
    if engine.returncode == 0:
        return None
    if not DOCKER_LOCAL.exists():
        return f"no Docker engine answers and {DOCKER_LOCAL} is not there to start one"
    if os.geteuid() != 0:
        return "no Docker engine answers and starting one (docker-local) needs root"
    return None


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    if why := _engine_can_start():
        pytest.skip(f"container test skipped: {why}")
    ports = {name: str(free_port()) for name in ("INGEST_PORT", "API_PORT", "REDIS_PORT", "POSTGRES_PORT")}
    env = {
        **os.environ,
        **ports,
        "COMPOSE_PROJECT_NAME": f"newsflow-test-{uuid.uuid4().hex[:6]}",
        "COMPOSE_FILE": "deploy/compose.yaml:tests/containers/compose.ports.yaml",
        "PUBLISH_ADDRESS": "127.0.0.1",
        "DOCKER_LOCAL": str(DOCKER_LOCAL),
    }
    started = time.monotonic()
    up = subprocess.run([str(STACK), "up"], cwd=REPO, env=env, capture_output=True, text=True, timeout=1800)
    up_seconds = time.monotonic() - started
    env["DOCKER_HOST"] = subprocess.run([str(STACK), "engine"], cwd=REPO, env=env, capture_output=True,
                                        text=True, timeout=60).stdout.strip() or env.get("DOCKER_HOST", "")  # fmt: skip
    database = create_engine(f"postgresql+psycopg://newsflow:newsflow@127.0.0.1:{ports['POSTGRES_PORT']}/newsflow")
    settings = Settings(redis_url=f"redis://127.0.0.1:{ports['REDIS_PORT']}/0")
    result = Stack(env, database, settings, f"http://127.0.0.1:{ports['INGEST_PORT']}",
                   f"http://127.0.0.1:{ports['API_PORT']}", up_seconds)  # fmt: skip
    try:
        assert up.returncode == 0, f"deploy/stack up failed:\n{up.stdout}\n{up.stderr}"
        print(f"\n{up.stdout}")
        yield result
    finally:
        database.dispose()
        started = time.monotonic()
        down = subprocess.run([str(STACK), "down"], cwd=REPO, env={**env, "VOLUMES": "1"}, capture_output=True,
                              text=True, timeout=600)  # fmt: skip
        print(f"stack up {up_seconds:.0f} s, down {time.monotonic() - started:.0f} s; {result.timings}")
        assert down.returncode == 0, down.stderr


@dataclass
class Run:
    accepted: set[str]
    killed: str  # the enrich container that was killed
    pending_at_kill: int  # entries its consumer had read and not acknowledged when it died


@pytest.fixture(scope="module")
def run(stack: Stack) -> Run:
    """The seeds and dev pages through the ingest container; an enrich container killed while it holds
    articles (read, not yet acknowledged) and replaced, as an orchestrator replaces a dead one; then every
    article stored."""
    files = find_files([CORPUS / "seeds", CORPUS / "extraction-dev" / "html"])
    started = time.monotonic()
    client = IngestClient(stack.ingest_url, KEY)
    try:
        report = client.submit_files(files)
    finally:
        client.close()
    assert report.rejected == [] and len(report.accepted) == len(files) == 113
    accepted = {article_id for _path, article_id, _trace in report.accepted}

    redis = sync_client(stack.settings, decode_responses=True)
    holding: list[tuple[int, str]] = []

    def an_enrich_consumer_holds_articles() -> bool:
        summary = redis.xpending(stack.settings.stream_parsed, "enrich")
        holding[:] = sorted((int(c["pending"]), c["name"]) for c in summary["consumers"] or [] if int(c["pending"]))
        return bool(holding)

    _wait(an_enrich_consumer_holds_articles, "an enrich consumer holding articles", 300, every=0.1)
    pending, consumer = holding[-1]
    [victim] = [c for c in stack.containers("enrich") if consumer.startswith(c["id"][:12])]  # its hostname
    stack.docker("kill", "--signal", "KILL", victim["id"])
    stack.docker("rm", victim["id"])
    stack.compose("up", "-d", "--no-deps", "--no-build", "enrich")  # a new container in its place

    _wait(lambda: accepted <= stack.stored_ids(), f"all {len(accepted)} articles stored", 900)
    stack.timings["ingest_to_all_stored_s"] = round(time.monotonic() - started, 1)
    # The store commits a batch, then announces it: the last events follow the last rows.
    _wait(lambda: accepted <= set(stack.announced()), "an ArticleStored event for every article", 120)
    _wait(lambda: _all_healthy(stack), "every container healthy again", 180)
    redis.close()
    return Run(accepted, victim["id"], pending)


def _wait(condition: Callable[[], bool], what: str, timeout: float, every: float = 1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def _moment(docker_time: str) -> datetime:
    """Docker's RFC 3339 time with nanoseconds ("2026-11-30T03:12:09.878123456Z") to a datetime."""
    seconds, _, fraction = docker_time.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{seconds}.{(fraction + '000000')[:6]}+00:00")


def _all_healthy(stack: Stack) -> bool:
    return all(
        row["state"] == "exited" and row["exit"] == "0"
        if row["service"] in ("migrate", "postgres-roles")
        else row["state"] == "running" and row["health"] == "healthy"
        for row in stack.containers()
    )


def test_every_container_is_healthy_and_the_one_shots_succeeded(stack: Stack) -> None:
    services = {row["service"] for row in stack.containers()}
    assert services == {"redis", "postgres", "postgres-roles", "migrate", "api", *STAGE_NAMES}  # every stage runs
    assert len(stack.containers("enrich")) == 2
    assert _all_healthy(stack), stack.containers()


def test_the_schema_is_migrated_once_before_the_workers_and_the_api_start(stack: Stack) -> None:
    [migrate] = stack.containers("migrate")
    assert "upgraded from revision (none)" in stack.docker("logs", migrate["id"])
    assert schema.version(stack.database).up_to_date
    for service in ("store", "api"):
        [container] = stack.containers(service)
        assert _moment(container["started"]) > _moment(migrate["finished"]), (service, container, migrate)


def test_every_article_is_in_postgresql_with_its_stored_event(stack: Stack, run: Run) -> None:
    redis = sync_client(stack.settings)
    try:
        dead_letters = redis.xlen(stack.settings.stream_dlq)
    finally:
        redis.close()
    assert run.accepted <= stack.stored_ids()
    announced = stack.announced()
    assert set(announced) == run.accepted
    stack.timings["stored_events_beyond_one_per_article"] = len(announced) - len(set(announced))
    assert dead_letters == 0


def test_the_killed_enrich_worker_was_replaced_and_lost_nothing(stack: Stack, run: Run) -> None:
    assert run.pending_at_kill > 0  # it died holding articles: they had to be claimed by another consumer
    enrich = stack.containers("enrich")
    assert len(enrich) == 2 and run.killed not in {c["id"] for c in enrich}
    assert all(c["health"] == "healthy" for c in enrich)
    assert run.accepted <= stack.stored_ids()
    redis = sync_client(stack.settings, decode_responses=True)
    try:  # nothing left unacknowledged anywhere
        for stream, group in ((stack.settings.stream_parsed, "enrich"), (stack.settings.stream_enriched, "store")):
            assert int(redis.xpending(stream, group)["pending"]) == 0, group
    finally:
        redis.close()
    stack.timings["pending_when_killed"] = run.pending_at_kill


def test_the_api_answers_a_search_as_its_read_only_database_user(stack: Stack, run: Run) -> None:
    found = httpx.get(f"{stack.api_url}/v1/search", params={"q": "Gharibabadi"}, headers={"X-API-Key": KEY})
    assert found.status_code == 200, found.text
    hits = {hit["article_id"] for hit in found.json()["items"]}
    assert len(hits) >= 2 and hits <= run.accepted  # the two seeds, at least
    with stack.database.connect() as conn:
        users = set(conn.execute(text("SELECT usename FROM pg_stat_activity WHERE usename IS NOT NULL")).scalars())
        may_write = conn.execute(text("SELECT has_table_privilege('newsflow_reader', 'articles', 'INSERT')")).scalar()
    assert "newsflow_reader" in users and may_write is False
