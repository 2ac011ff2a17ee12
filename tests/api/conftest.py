"""Query API fixtures: a store on SQLite or PostgreSQL with the test articles, and a client with a key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from services.api.app import create_app
from services.common.settings import Settings, stream_names
from services.store.repository import Store, database_engine

from .stories import save_all

KEY = {"X-API-Key": "test-key"}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/store.db"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture()
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_engine(database_url))
    store.create_schema()
    save_all(store)
    yield store
    store.engine.dispose()


@pytest.fixture()
def settings(database_url: str, redis_url: str, stream_prefix: str) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        api_keys=[SecretStr("test-key")],
        log_format="json",
        **stream_names(stream_prefix),
    )


@pytest.fixture()
def client(store: Store, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client
