"""Schema migrations: the revisions make what tables.py describes, adopt a database written by the store
before migrations (tests/store/fixtures, see make_legacy.py) without losing a row, and the workers and
the API refuse a database behind this release."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, inspect, select, text
from typer.testing import CliRunner

from newsflow_schemas import EnrichedArticle
from services.cli import app as cli
from services.store import schema
from services.store.core import to_rows
from services.store.repository import Store, database_engine
from services.store.search import search
from services.store.tables import metadata

FIXTURES = Path(__file__).parent / "fixtures"
TABLES = ("articles", "entities", "mentions", "stories", "article_bands")
NOW = datetime(2026, 9, 9, 12, 0, tzinfo=UTC)


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(select(func.count()).select_from(metadata.tables[t])).scalar_one() for t in TABLES}


def found(engine: Engine, query: str) -> list[str]:
    with engine.connect() as conn:
        return sorted(hit["article_id"] for hit in search(conn, query, 10, 0))


def shape(engine: Engine) -> dict[str, object]:
    """Every table's columns (name, type, nullable, default), keys and indexes, as the database reports them."""
    inspector = inspect(engine)
    return {
        table: (
            [(c["name"], str(c["type"]), c["nullable"], c.get("default")) for c in inspector.get_columns(table)],
            inspector.get_pk_constraint(table)["constrained_columns"],
            sorted((fk["constrained_columns"], fk["referred_table"]) for fk in inspector.get_foreign_keys(table)),
            sorted((i["name"], i["column_names"]) for i in inspector.get_indexes(table)),
        )
        for table in sorted(inspector.get_table_names())
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """Makes empty databases of one kind: SQLite files, then PostgreSQL databases."""
    if request.param == "postgresql":
        return request.getfixturevalue("new_postgres_database")  # type: ignore[no-any-return]
    made = iter(range(100))
    return lambda: f"sqlite:///{tmp_path}/store-{next(made)}.db"


@pytest.fixture()
def database_url(new_database: Callable[[], str]) -> str:
    return new_database()


@pytest.fixture()
def legacy_url(new_database: Callable[[], str]) -> str:
    """A database as the store wrote it before migrations: the two seeds and two dev pages."""
    url = new_database()
    if url.startswith("sqlite"):
        shutil.copy(FIXTURES / "legacy.sqlite", url.removeprefix("sqlite:///"))
    else:
        with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute((FIXTURES / "legacy.postgresql.sql").read_text())  # type: ignore[arg-type]
    return url


def test_the_revisions_have_one_head() -> None:
    # Two revisions written in parallel on the same parent would leave two heads: renumber one.
    assert ScriptDirectory.from_config(schema.alembic_config()).get_heads() == [schema.head()]


def test_an_empty_database_gets_the_tables_tables_py_describes(database_url: str) -> None:
    engine = database_engine(database_url)
    assert schema.version(engine).current is None

    before = schema.upgrade(engine)

    assert (before.current, schema.version(engine).current) == (None, schema.head())
    assert schema.differences(engine) == []  # a change to tables.py without its revision fails here
    assert set(TABLES) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_a_database_written_before_migrations_is_adopted_with_every_row(
    legacy_url: str, new_database: Callable[[], str]
) -> None:
    engine = database_engine(legacy_url)
    rows = counts(engine)
    assert rows["articles"] == 4 and rows["mentions"] > 20 and rows["stories"] >= 2
    assert schema.version(engine).current is None

    assert schema.upgrade(engine).current is None

    assert schema.version(engine).up_to_date
    assert counts(engine) == rows
    assert found(engine, "Gharibabadi") == ["seed-000", "seed-003"]  # its search index kept working
    assert schema.differences(engine) == []
    fresh = database_engine(new_database())
    schema.upgrade(fresh)
    assert shape(engine) == shape(fresh)  # the same tables, columns, keys and indexes as a new database's
    fresh.dispose()
    engine.dispose()


def test_an_adopted_database_keeps_what_was_announced_and_stores_on(legacy_url: str) -> None:
    engine = database_engine(legacy_url)
    schema.upgrade(engine)
    store = Store(engine)
    with engine.connect() as conn:  # every adopted revision counts as announced: none is announced again
        behind = conn.execute(text("SELECT count(*) FROM articles WHERE announced_revision <> revision")).scalar()
    assert behind == 0
    new = EnrichedArticle(
        article_id="after", trace_id="t", title="Gharibabadi again", body="Gharibabadi spoke.", fingerprint="0" * 16
    )
    assert store.save_revision(to_rows(new, NOW)).change == "created"
    assert found(engine, "Gharibabadi") == ["after", "seed-000", "seed-003"]
    engine.dispose()


def test_upgrading_twice_changes_nothing(database_url: str) -> None:
    engine = database_engine(database_url)
    schema.upgrade(engine)
    made = shape(engine)
    assert schema.upgrade(engine).up_to_date
    assert shape(engine) == made
    engine.dispose()


def test_replicas_upgrading_at_once_on_postgresql_migrate_one_after_the_other(
    new_postgres_database: Callable[[], str],
) -> None:
    # The race create_all had: two processes creating the same tables at once, one failing.
    url = new_postgres_database()
    engines = [database_engine(url) for _ in range(4)]
    errors: list[BaseException] = []

    def run(engine: Engine) -> None:
        try:
            schema.upgrade(engine)
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with engines[0].connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [schema.head()]
    for engine in engines:
        engine.dispose()


def test_a_database_behind_this_release_is_refused_saying_what_to_run(database_url: str) -> None:
    engine = database_engine(database_url)
    with pytest.raises(schema.SchemaNotCurrent, match=r"without a schema revision.*run `newsflow db upgrade`"):
        schema.require_current(engine)
    schema.upgrade(engine)
    schema.require_current(engine)  # at this release's revision: runs
    engine.dispose()


def test_a_revision_from_a_newer_release_is_run_on(database_url: str) -> None:
    engine = database_engine(database_url)
    schema.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'from-a-newer-release'"))
    schema.require_current(engine)  # its revisions added to the schema; this release still works on it
    engine.dispose()


def test_db_commands_report_check_and_upgrade(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"NEWSFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}

    behind = runner.invoke(cli, ["db", "check"], env=env)
    assert behind.exit_code == 1
    assert "(none)" in runner.invoke(cli, ["db", "current"], env=env).output
    upgraded = runner.invoke(cli, ["db", "upgrade"], env=env)
    assert upgraded.exit_code == 0 and f"to {schema.head()}" in upgraded.output
    assert "already at" in runner.invoke(cli, ["db", "upgrade"], env=env).output
    assert runner.invoke(cli, ["db", "check"], env=env).exit_code == 0

    engine = database_engine(env["NEWSFLOW_DATABASE_URL"])
    with engine.begin() as conn:  # a column tables.py has and no revision made
        conn.execute(text("ALTER TABLE stories DROP COLUMN terms"))
    engine.dispose()
    drifted = runner.invoke(cli, ["db", "check"], env=env)
    assert drifted.exit_code == 1 and "terms" in drifted.output


def test_db_wait_returns_once_the_migration_step_has_run(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"NEWSFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/wait.db"}
    gave_up = runner.invoke(cli, ["db", "wait", "--timeout", "0"], env=env)
    assert gave_up.exit_code == 1 and "newsflow db upgrade" in gave_up.output

    engine = database_engine(env["NEWSFLOW_DATABASE_URL"])
    migration = threading.Timer(1.5, schema.upgrade, args=(engine,))  # the Job, finishing while the pod waits
    migration.start()
    waited = runner.invoke(cli, ["db", "wait", "--timeout", "60"], env=env)
    migration.join()
    engine.dispose()
    assert waited.exit_code == 0, waited.output
