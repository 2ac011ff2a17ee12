"""The store's schema version: bring a database to this release's revision (`newsflow db upgrade`, the one
step that owns the schema), and refuse to run on a database that is behind it.

The revisions are Alembic's, in migrations/versions. A database made before migrations (tables from
`create_all`) is adopted by the first revision, which only makes what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, func, select

from .tables import metadata

MIGRATIONS = Path(__file__).parent / "migrations"
# Held by `upgrade` on PostgreSQL for its transaction: replicas or jobs started at once migrate one by one.
_LOCK_KEY = 0x6E6577736D6967  # "newsmig"
# Made by the first revision, not described in tables.py: the full-text index and SQLite's FTS5 tables.
_SEARCH_INDEX = {"search_vector", "ix_articles_search"}


class SchemaNotCurrent(RuntimeError):
    """The database is not at the schema revision this release needs."""


@dataclass(frozen=True)
class Version:
    current: str | None  # None: no revision recorded (an empty database, or one made before migrations)
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    return str(ScriptDirectory.from_config(alembic_config()).get_current_head())


def version(engine: Engine) -> Version:
    with engine.connect() as conn:
        return Version(MigrationContext.configure(conn).get_current_revision(), head())


def upgrade(engine: Engine) -> Version:
    """Run the revisions the database lacks, in one transaction on PostgreSQL; the version before."""
    before = version(engine)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(select(func.pg_advisory_xact_lock(_LOCK_KEY)))
        command.upgrade(alembic_config(conn), "head")
    if not before.up_to_date:
        structlog.get_logger().info("database schema upgraded", revision_from=before.current, revision=before.head)
    return before


def require_current(engine: Engine) -> None:
    """Raise SchemaNotCurrent, saying what to run, unless this release can run on the database."""
    if message := obstacle(engine):
        structlog.get_logger().critical("database schema out of date", detail=message)
        raise SchemaNotCurrent(message)


def obstacle(engine: Engine) -> str | None:
    """Why this release cannot run on the database (behind its revision, or none recorded), or None.

    A revision this release does not know comes from a newer release, whose migration step has already
    run: revisions add before they remove, so this release still runs (with a warning).
    """
    found = version(engine)
    if found.up_to_date:
        return None
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if found.current is not None and found.current not in known:
        structlog.get_logger().warning(
            "database schema is newer than this release", revision=found.current, release_revision=found.head
        )
        return None
    where = engine.url.render_as_string(hide_password=True)
    at = f"at schema revision {found.current}" if found.current else "without a schema revision"
    return (
        f"the database {where} is {at}; this release needs revision {found.head}: "
        "run `newsflow db upgrade` (the migration step) first"
    )


def differences(engine: Engine) -> list[Any]:
    """What tables.py has that the database lacks, or the other way round (Alembic's autogenerate diff):
    empty when the revisions and tables.py agree."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        return list(compare_metadata(context, metadata))


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave the full-text index out of comparisons with tables.py, which does not describe it."""
    if type_ in ("column", "index") and name in _SEARCH_INDEX:
        return False
    return not (type_ == "table" and name is not None and name.startswith("articles_fts"))
