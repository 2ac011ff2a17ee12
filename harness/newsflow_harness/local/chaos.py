"""`newsflow chaos`: push N articles through the real pipeline while workers are SIGKILLed, Redis is
killed and restarted twice, PostgreSQL stopped for a while and then made to refuse writes for a while;
then count what was lost, doubled, or announced without a row.

Everything runs on private servers (Redis with AOF and fsync on every write, PostgreSQL), never on
the machine's shared ones. With `cluster` it runs on a private 3-master Redis Cluster with
partitioned streams instead, and each Redis fault is a master SIGKILLed and replaced by its replica
(the killed node then rejoins as a replica).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from sqlalchemy import func, select

from newsflow_harness.corpus import bench_submissions
from newsflow_schemas import ArticleStored, DeadLetter
from services.common.connection import REDIS_ERRORS, sync_client
from services.common.partitions import partition_streams
from services.common.pipeline import STAGE_NAMES, STREAM_STAGES
from services.common.settings import Settings
from services.common.streamread import backlog_of, entries_added, read_stream
from services.store.repository import Store, database_engine
from services.store.tables import articles

from .cluster import LocalCluster, start_cluster
from .servers import LocalServer, free_port, start_postgres, start_redis
from .workers import Worker, Workers

BATCH = 25
BATCH_CHARS = 1_500_000


@dataclass
class Plan:
    """When each fault happens, as shares of the articles stored so far."""

    redis_restarts: tuple[float, ...] = (0.2, 0.6)
    postgres_stop_at: float = 0.4
    postgres_down_s: float = 20.0
    # The database up but refusing writes (read-only sessions: what a full disk or a revoked grant does to
    # the store), shorter than the store's redeliveries last, so it must retry, never announce or lose.
    read_only_at: float = 0.5
    read_only_s: float = 10.0
    kill_every_s: float = 4.0


@dataclass
class Outcome:
    sent: int
    stored: int
    lost: int
    duplicated: int
    dlq: int
    faults: list[str] = field(default_factory=list)
    unannounced: int = 0  # stored articles without an ArticleStored event
    phantom: int = 0  # ArticleStored events for articles with no row
    redone: dict[str, int] = field(default_factory=dict)  # outputs per stage beyond one per article
    duplicates: dict[str, list[str]] = field(default_factory=dict)  # article id -> its events

    @property
    def line(self) -> str:
        return (
            f"sent={self.sent} stored={self.stored} lost={self.lost} duplicated={self.duplicated} dlq={self.dlq}"
            f" phantom={self.phantom}"
        )


def _batches(submissions: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Up to BATCH articles and BATCH_CHARS characters each, under the ingest request limit."""
    batches: list[list[dict[str, Any]]] = [[]]
    size = 0
    for item in submissions:
        chars = len(item.get("html") or item.get("text") or "")
        if batches[-1] and (len(batches[-1]) == BATCH or size + chars > BATCH_CHARS):
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += chars
    return [batch for batch in batches if batch]


class Chaos:
    def __init__(
        self, workdir: Path, console: Console, plan: Plan | None = None, seed: int = 7, partitions: int = 0
    ) -> None:
        """`partitions`: run on a private Redis Cluster with this many partitions (0: one Redis server)."""
        self.workdir, self.console, self.plan = workdir, console, plan or Plan()
        self.partitions = partitions
        self.random = random.Random(seed)
        self.faults: list[str] = []
        self.accepted: set[str] = set()
        self.send_problems: Counter[str] = Counter()
        self.done = threading.Event()
        self.redis_server: LocalServer | None = None
        self.cluster: LocalCluster | None = None

    def _start_redis(self) -> dict[str, Any]:
        """Start the private Redis (server or cluster); the settings that point at it."""
        if self.partitions:
            started = time.monotonic()
            self.cluster = start_cluster()
            self.console.log(f"Redis Cluster of 3 masters and 3 replicas started in {time.monotonic() - started:.1f} s")
            return {"redis_url": self.cluster.url, "redis_cluster": True,
                    "redis_cluster_nodes": self.cluster.seed_nodes, "partitions": self.partitions}  # fmt: skip
        self.redis_server = start_redis(appendonly=True, fsync_always=True)
        return {"redis_url": self.redis_server.url}

    def run(self, submissions: list[dict[str, Any]], timeout: float) -> Outcome:
        redis_settings = self._start_redis()
        self.postgres = start_postgres()
        try:
            settings = Settings(
                **redis_settings,
                database_url=self.postgres.url,
                ingest_port=free_port(),
                ingest_api_keys=["chaos-key"],
                log_format="json",
                polling_interval_ms=50,
                retry_idle_ms=3_000,
                max_deliveries=100,  # outages here last seconds; nothing should be dead-lettered for them
            )
            self.settings = settings
            self.store = Store(database_engine(settings.database_url))
            self.workers = Workers(settings, self.workdir / "logs")
            self.workers.start_all({"parse": 2})
            sender = threading.Thread(target=self._send, args=(submissions,), daemon=True)
            sender.start()
            self._inflict_faults(len(submissions), timeout)
            sender.join(timeout=60)
            return self._outcome(len(submissions))
        finally:
            self.done.set()
            self.workers.stop_all()
            self.store.engine.dispose()
            self.postgres.stop()
            if self.redis_server:
                self.redis_server.stop()
            if self.cluster:
                self.cluster.stop()

    def _send(self, submissions: list[dict[str, Any]]) -> None:
        """Submit in batches; an error (ingest killed, Redis restarting) means: wait and send the batch again."""
        url = f"http://127.0.0.1:{self.settings.ingest_port}/v1/articles:batch"
        with httpx.Client(headers={"X-API-Key": "chaos-key"}, timeout=30) as http:
            for batch in _batches(submissions):
                while not self.done.is_set():
                    try:
                        response = http.post(url, json=batch)
                        if response.status_code == 202:
                            self.accepted.update(a["article_id"] for a in response.json()["accepted"])
                            break
                        problem = f"ingest answered {response.status_code}: {response.text[:200]}"
                    except httpx.HTTPError as exc:
                        problem = f"ingest unreachable: {type(exc).__name__}"
                    self.send_problems[problem] += 1
                    time.sleep(0.5)

    def _stored(self) -> int:
        """Rows in the run's private database (-1 while it is down on purpose)."""
        try:
            with self.store.engine.connect() as conn:
                return int(conn.execute(select(func.count()).select_from(articles)).scalar() or 0)
        except Exception:  # PostgreSQL may be down on purpose right now
            return -1

    def _inflict_faults(self, total: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        # In the order of their shares, and every one of them: a fast pipeline (batched stages) passes
        # several shares during one fault, and may even finish first; then the rest hit an idle pipeline.
        planned = sorted(
            [(at, self._restart_redis) for at in self.plan.redis_restarts]
            + [(self.plan.postgres_stop_at, self._stop_postgres), (self.plan.read_only_at, self._refuse_writes)],
            key=lambda fault: fault[0],
        )
        next_kill = time.monotonic() + self.plan.kill_every_s
        last_report = 0.0
        while time.monotonic() < deadline:
            stored = self._stored()
            share = max(stored, 0) / total
            if stored >= total and not planned and self._idle():
                return
            if planned and share >= planned[0][0]:
                planned.pop(0)[1]()
            elif time.monotonic() >= next_kill and share < 1:
                self._kill_a_worker()
                next_kill = time.monotonic() + self.plan.kill_every_s
            if time.monotonic() - last_report > 5:
                self.console.log(
                    f"accepted {len(self.accepted)}, stored {max(stored, 0)}/{total}; faults {len(self.faults)};"
                    f" submit retries {dict(self.send_problems.most_common(2))}"
                )
                last_report = time.monotonic()
            time.sleep(0.5)
        self.console.log(f"[red]timed out after {timeout:.0f} s[/]")

    def _idle(self) -> bool:
        try:
            client = sync_client(self.settings)
        except REDIS_ERRORS:
            return False
        try:
            return all(backlog_of(client, self._partitions(spec.input_stream(self.settings)), spec.name) == 0
                       for spec in STREAM_STAGES)  # fmt: skip
        except REDIS_ERRORS:
            return False
        finally:
            client.close()

    def _partitions(self, stream: str) -> list[str]:
        return partition_streams(stream, self.settings)

    def _note(self, fault: str) -> None:
        self.faults.append(fault)
        self.console.log(fault)

    def _kill_a_worker(self) -> None:
        candidates = [w for w in self.workers.running if w.stage in STAGE_NAMES]
        victim: Worker = self.random.choice(candidates)
        victim.process.kill()
        victim.process.wait()
        self.workers.running.remove(victim)
        self._note(f"SIGKILL {victim.stage} worker (pid {victim.process.pid}); restarting it")
        self.workers.start(victim.stage, timeout=120)

    def _restart_redis(self) -> None:
        if self.cluster:
            self._fail_over()
            return
        assert self.redis_server
        self._note("SIGKILL Redis; restarting it from its append-only file")
        self.redis_server.halt(hard=True)
        time.sleep(1)
        self.redis_server.resume()

    def _fail_over(self) -> None:
        """SIGKILL a master (first the one of the URL every worker starts from), wait for its replica to
        take over, then start the killed node again: it comes back as the new master's replica."""
        assert self.cluster
        masters = sorted(self.cluster.masters())
        seed = self.cluster.nodes[0].address
        victim = seed if seed in masters else self.random.choice(masters)
        started = time.monotonic()
        killed, promoted = self.cluster.kill_master(victim)
        self._note(f"SIGKILL Redis master {killed}; replica {promoted} promoted in {time.monotonic() - started:.1f} s")
        self.cluster.restart(killed)
        self._note(f"{killed} rejoined as a replica")

    def _stop_postgres(self) -> None:
        self._note(f"stopping PostgreSQL for {self.plan.postgres_down_s:.0f} s")
        self.postgres.halt()
        time.sleep(self.plan.postgres_down_s)
        self.postgres.resume()
        self._note("PostgreSQL back")

    def _refuse_writes(self) -> None:
        self._note(f"PostgreSQL refusing writes for {self.plan.read_only_s:.0f} s")
        self._set_read_only(True)
        time.sleep(self.plan.read_only_s)
        self._set_read_only(False)
        self._note("PostgreSQL writable again")

    def _set_read_only(self, read_only: bool) -> None:
        """New sessions read-only (or not) by default; every open session is ended so the store's next one
        gets the setting."""
        admin = database_engine(self.postgres.url)
        try:
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("SET default_transaction_read_only = off")  # this session may still write
                database = conn.exec_driver_sql("SELECT current_database()").scalar()
                setting = "on" if read_only else "off"
                conn.exec_driver_sql(f'ALTER DATABASE "{database}" SET default_transaction_read_only = {setting}')
                conn.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        finally:
            admin.dispose()

    def _outcome(self, total: int) -> Outcome:
        client = sync_client(self.settings)
        events = [
            e for s in self._partitions(self.settings.stream_stored) for e in read_stream(client, s, ArticleStored)
        ]
        letters = list(read_stream(client, self.settings.stream_dlq, DeadLetter))
        # Stages whose output is one entry per article (the last one announces only changes).
        outputs = {
            spec.name: spec.output_stream(self.settings)
            for spec in STREAM_STAGES
            if spec.writes_stream and not spec.writes_output_itself
        }
        added = {stage: sum(entries_added(client, s) for s in self._partitions(stream))
                 for stage, stream in outputs.items()}  # fmt: skip
        client.close()
        with self.store.engine.connect() as conn:
            stored_ids = {row[0] for row in conn.execute(select(articles.c.article_id))}
        sent = self.accepted
        dead = {letter.article_id for letter in letters if letter.article_id} - stored_ids
        per_article = Counter(event.article_id for event in events)
        return Outcome(
            sent=len(sent),
            stored=len(sent & stored_ids),
            lost=len(sent - stored_ids - dead) + (total - len(sent)),
            duplicated=sum(count - 1 for count in per_article.values() if count > 1) + len(stored_ids - sent),
            dlq=len(letters),
            faults=self.faults,
            unannounced=len((sent & stored_ids) - set(per_article)),
            phantom=len(set(per_article) - stored_ids),
            redone={stage: count - len(sent) for stage, count in added.items()},
            duplicates={
                article_id: [
                    f"{e.change} r{e.revision} trace {e.trace_id}" for e in events if e.article_id == article_id
                ]
                for article_id, count in per_article.items()
                if count > 1
            },
        )


def run_chaos(
    corpus: Path, count: int, workdir: Path, console: Console, timeout: float, partitions: int = 0
) -> Outcome:
    """`partitions`: on a private Redis Cluster with that many partitions per stream (0: one Redis)."""
    submissions = bench_submissions(corpus, count, site="chaos", mark=True)
    if partitions:
        console.log(f"{len(submissions)} articles; private Redis Cluster ({partitions} partitions) and PostgreSQL")
    else:
        console.log(f"{len(submissions)} articles; private Redis (AOF, fsync always) and PostgreSQL")
    return Chaos(workdir, console, partitions=partitions).run(submissions, timeout)
