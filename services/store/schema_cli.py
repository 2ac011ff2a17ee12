"""`newsflow db ...`: the store's schema revision: upgrade it (the migration step), show it, check it."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from services.common.settings import Settings

from . import schema
from .repository import database_engine
from .tables import stories

MEMBER_VECTORS = "0003"  # the revision from which placement keeps member vectors (store/backfill.py)

db_app = typer.Typer(
    help="The database schema (NEWSFLOW_DATABASE_URL): Alembic revisions in services/store/migrations. "
    "Run `upgrade` once per release before the workers and the API start; they refuse an older schema.",
    no_args_is_help=True,
)


def _where() -> tuple[str, Engine]:
    engine = database_engine(Settings().database_url)
    return engine.url.render_as_string(hide_password=True), engine


@db_app.command()
def upgrade() -> None:
    """Bring the database to this release's revision: creates the schema in an empty database, adopts
    one made before migrations (keeping its rows), and does nothing when it is already there."""
    where, engine = _where()
    try:
        before = schema.upgrade(engine)
        backfill = (before.current is None or before.current < MEMBER_VECTORS) and _holds_stories(engine)
    finally:
        engine.dispose()
    if before.up_to_date:
        typer.echo(f"{where}: already at revision {before.head}")
    else:
        typer.echo(f"{where}: upgraded from revision {before.current or '(none)'} to {before.head}")
    if backfill:
        typer.echo("its stories were placed before member vectors: run `newsflow stories backfill` once")


def _holds_stories(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(stories.c.story_id).limit(1)).first() is not None


@db_app.command()
def current() -> None:
    """The database's revision and this release's (reads only)."""
    where, engine = _where()
    found = schema.version(engine)
    engine.dispose()
    state = "up to date" if found.up_to_date else "behind: run `newsflow db upgrade`"
    typer.echo(f"{where}: revision {found.current or '(none)'}; this release: {found.head} ({state})")


@db_app.command()
def check() -> None:
    """Exit 1 unless the database is at this release's revision and its tables match tables.py (reads
    only, so a read-only user can run it): what a deployment or a developer adding a revision checks."""
    where, engine = _where()
    found = schema.version(engine)
    differences = schema.differences(engine) if found.up_to_date else []
    engine.dispose()
    if not found.up_to_date:
        typer.echo(f"{where}: at revision {found.current or '(none)'}, this release needs {found.head}", err=True)
        raise typer.Exit(1)
    if differences:
        typer.echo(f"{where}: at revision {found.head}, but tables.py differs: add a revision for", err=True)
        for difference in differences:
            typer.echo(f"  {difference}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{where}: at revision {found.head}, tables match tables.py")


@db_app.command()
def wait(
    timeout: Annotated[float, typer.Option(min=0, help="Give up after this many seconds (exit 1).")] = 600,
) -> None:
    """Wait until this release can run on the database: the migration step has brought it to this
    release's revision (or a newer one). For init containers of the store and the API (reads only)."""
    where, engine = _where()
    deadline = time.monotonic() + timeout
    while True:
        try:
            reason = schema.obstacle(engine)
        except SQLAlchemyError as error:  # not reachable yet: the database may be starting too
            reason = f"the database {where} does not answer: {error.__class__.__name__}"
        if reason is None:
            typer.echo(f"{where}: at a revision this release runs on")
            break
        if time.monotonic() >= deadline:
            typer.echo(f"gave up after {timeout:.0f} s: {reason}", err=True)
            raise typer.Exit(1)
        time.sleep(2)
    engine.dispose()
