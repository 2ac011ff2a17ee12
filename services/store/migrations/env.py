"""Alembic's environment for the store. schema.py hands it a connection already in a transaction (and,
on PostgreSQL, holding the migration lock); the `alembic` command (alembic.ini, for developers writing
a revision) gives it a URL instead."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from services.store.repository import database_engine
from services.store.schema import include_object
from services.store.tables import metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=include_object,
        # SQLite alters a table by copying it: autogenerate writes such changes as batch operations.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: the first revision looks at the database")
connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = os.environ.get("NEWSFLOW_DATABASE_URL") or context.config.get_main_option("sqlalchemy.url")
    engine = database_engine(url or "sqlite:///data/newsflow.db")
    with engine.begin() as own:
        run(own)
    engine.dispose()
