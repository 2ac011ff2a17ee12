"""`newsflow db ...`: the store's schema revision: upgrade it (the migration step), show it, check it."""

from __future__ import annotations

import typer
from sqlalchemy import Engine

from services.common.settings import Settings

from . import schema
from .repository import database_engine

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
    before = schema.upgrade(engine)
    engine.dispose()
    if before.up_to_date:
        typer.echo(f"{where}: already at revision {before.head}")
    else:
        typer.echo(f"{where}: upgraded from revision {before.current or '(none)'} to {before.head}")


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
