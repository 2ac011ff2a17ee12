"""Shared fixtures. Real servers for integration tests: testcontainers when a Docker engine answers,
else REDIS_URL / DATABASE_URL, else private servers started from local binaries for this session."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from newsflow_harness.corpus import CORPUS
from newsflow_harness.local.cluster import LocalCluster, start_cluster
from newsflow_harness.local.servers import start_postgres, start_redis
from services.store import queries
from services.store.repository import Store, database_engine
from services.store.tables import articles, entities, mentions

REPO = Path(__file__).resolve().parents[1]
SEEDS = CORPUS / "seeds"


def _docker_engine() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:  # any failure means: no engine to use
        return False


@pytest.fixture(scope="session")
def docker_available() -> bool:
    available = _docker_engine()
    # make test-containers runs a suite this way: there, falling back to other servers would hide a failure.
    if os.environ.get("NEWSFLOW_TEST_SERVERS") == "testcontainers" and not available:
        pytest.fail("NEWSFLOW_TEST_SERVERS=testcontainers, but no Docker engine answers (DOCKER_HOST)")
    return available


@pytest.fixture(scope="session")
def redis_url(docker_available: bool) -> Iterator[str]:
    if docker_available:
        from testcontainers.redis import RedisContainer

        with RedisContainer("redis:7.0") as container:
            yield f"redis://{container.get_container_host_ip()}:{container.get_exposed_port(6379)}/0"
    elif os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
    else:
        server = start_redis()
        try:
            yield server.url
        finally:
            server.stop()


@pytest.fixture(scope="session")
def redis_cluster() -> Iterator[LocalCluster]:
    """A private Redis Cluster (3 masters, 3 replicas) from the local redis-server, for this session."""
    if not shutil.which("redis-cli"):
        pytest.skip("no redis-cli to create a Redis Cluster with")
    started = time.monotonic()
    cluster = start_cluster()
    print(f"Redis Cluster started in {time.monotonic() - started:.1f} s: {cluster.seed_nodes}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_server_url(docker_available: bool) -> Iterator[str]:
    if docker_available:
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16", driver="psycopg") as container:
            yield container.get_connection_url()
    elif os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
    else:
        server = start_postgres()
        try:
            yield server.url
        finally:
            server.stop()


@pytest.fixture(scope="session")
def new_postgres_database(postgres_server_url: str) -> Iterator[Callable[[], str]]:
    """Makes empty databases on the server for tests of their own; all are dropped at the end."""
    admin = database_engine(postgres_server_url).execution_options(isolation_level="AUTOCOMMIT")
    names: list[str] = []

    def create() -> str:
        name = f"newsflow_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        names.append(name)
        return make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)

    yield create
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture()
def postgres_url(new_postgres_database: Callable[[], str]) -> str:
    """An empty database of this test's own."""
    return new_postgres_database()


@pytest.fixture()
def stream_prefix(redis_url: str) -> Iterator[str]:
    """Stream names of this test's own; its keys are deleted afterwards (never a FLUSH)."""
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}.*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS}")
    return {path.name[:3]: path.read_text() for path in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="session")
def article_row() -> Callable[[Store, str], dict[str, Any] | None]:
    return read_article_row


@pytest.fixture(scope="session")
def story_with_articles() -> Callable[[Store, str], dict[str, Any] | None]:
    return read_story


def read_article_row(store: Store, article_id: str) -> dict[str, Any] | None:
    """The stored row of an article, with `entities` (name, type, count) from the mentions: what the
    write side's tests check."""
    with store.engine.connect() as conn:
        row = conn.execute(select(articles).where(articles.c.article_id == article_id)).first()
        if row is None:
            return None
        linked = conn.execute(
            select(entities.c.name, entities.c.type, mentions.c.count, mentions.c.surface_forms)
            .join(mentions, mentions.c.entity_id == entities.c.entity_id)
            .where(mentions.c.article_id == article_id)
        )
        return {**row._mapping, "entities": [dict(r._mapping) for r in linked]}


def read_story(store: Store, story_id: str) -> dict[str, Any] | None:
    """A story as the read side gives it, with all its articles (newest first, ties by id)."""
    with store.engine.connect() as conn:
        story = queries.story(conn, story_id)
        if story is not None:
            story["articles"], _ = queries.list_articles(
                conn, queries.ArticleFilter(story_id=story_id), "stored", 1000, None
            )
        return story
