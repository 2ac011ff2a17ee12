"""The API's database user: a read-only role on PostgreSQL is enough to serve, and a database behind this
release's schema stops the API at start, saying what to run."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from services.api.app import create_app
from services.common.settings import Settings
from services.store.repository import Store, database_engine
from services.store.schema import SchemaNotCurrent, differences
from services.store.tables import entities

from .conftest import KEY
from .stories import save_all


@pytest.fixture()
def reader(new_postgres_database: Callable[[], str]) -> Iterator[Engine]:
    """A database with the test articles, and an engine logged in as a role that may only read it."""
    url = new_postgres_database()
    store = Store(database_engine(url))
    store.create_schema()
    save_all(store)
    role = f"reader_{uuid.uuid4().hex[:8]}"
    admin = store.engine.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'reader'"))
        conn.execute(text(f'GRANT CONNECT ON DATABASE "{make_url(url).database}" TO {role}'))
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
    engine = database_engine(make_url(url).set(username=role, password="reader").render_as_string(False))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP OWNED BY {role}"))  # its grants in this database, so the role can go
        conn.execute(text(f"DROP ROLE {role}"))
    store.engine.dispose()


def test_the_api_serves_articles_and_searches_as_a_read_only_database_user(reader: Engine) -> None:
    with pytest.raises(ProgrammingError, match="permission denied"), reader.begin() as conn:
        conn.execute(insert(entities).values(entity_id="x", name="X", type="ORG"))  # the role cannot write
    settings = Settings(database_url="sqlite://", api_keys=[SecretStr("test-key")])  # the engine is passed in

    with TestClient(create_app(settings, engine=reader)) as client:  # start-up checks the schema: reads only
        found = client.get("/v1/search", params={"q": "sanction"}, headers=KEY)
        listed = client.get("/v1/articles", headers=KEY)
        health = client.get("/healthz")

    assert found.status_code == 200 and [hit["article_id"] for hit in found.json()["items"]] == ["sanctions", "letter"]
    assert listed.status_code == 200 and len(listed.json()["items"]) > 2
    assert health.status_code == 200
    assert differences(reader) == []  # `newsflow db check` works read-only too


def test_the_api_does_not_start_on_a_database_without_the_schema(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/empty.db", api_keys=[SecretStr("test-key")])
    with (
        pytest.raises(SchemaNotCurrent, match="run `newsflow db upgrade`"),
        TestClient(create_app(settings)),
    ):
        pass
