"""`newsflow subscriptions ...`: webhook subscriptions in the store's database, which the deliver stage
POSTs matching ArticleStored events to (the query API has the same under /v1/subscriptions)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from services.common.errors import describe_validation_error
from services.common.settings import StoreSettings
from services.store.repository import Store, database_engine
from services.store.schema import require_current

from . import outbox
from .filters import FIELDS, parse_filter_options

subscriptions_app = typer.Typer(
    help="Webhook subscriptions: the deliver stage POSTs each matching ArticleStored event, signed.",
    no_args_is_help=True,
)
err = Console(stderr=True)
AsJson = Annotated[bool, typer.Option("--json", help="JSON for scripts.")]


def _store() -> Store:
    store = Store(database_engine(StoreSettings().database_url))
    require_current(store.engine)  # `newsflow db upgrade` makes the subscription tables
    return store


@subscriptions_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="The endpoint (http or https) that receives the POSTs.")],
    filters: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            help=f"KEY=VALUE, repeatable; KEY one of {', '.join(FIELDS)}. Different keys must all match, "
            "values of one key any of them; none: every article. events=StoryMerged (or "
            "events=ArticleStored,StoryMerged) asks for story merges (whose moved articles pass the other keys).",
        ),
    ] = None,
    description: Annotated[str | None, typer.Option(help="What it is for, for the list.")] = None,
    as_json: AsJson = False,
) -> None:
    """Subscribe URL to the events whose article passes the filters (ArticleStored; StoryMerged with
    --filter events=...). Prints the signing secret, once."""
    try:
        wanted = parse_filter_options(filters or [])
    except ValidationError as exc:
        raise typer.BadParameter(describe_validation_error(exc), param_hint="--filter") from exc
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--filter") from exc
    store = _store()
    try:
        row = outbox.add_subscription(store.engine, url, wanted, datetime.now(UTC), description)
    except outbox.BadSubscription as exc:
        raise typer.BadParameter(str(exc), param_hint="URL") from exc
    finally:
        store.engine.dispose()
    if as_json:
        typer.echo(json.dumps(row, default=str))
        return
    typer.echo(f"subscription {row['subscription_id']} -> {row['url']}  filters {json.dumps(row['filters'])}")
    typer.echo(f"secret: {row['secret']}")
    err.print("Check X-Newsflow-Signature (sha256=HMAC of '<X-Newsflow-Timestamp>.<body>') with the secret; "
              "it is not shown again.")  # fmt: skip


@subscriptions_app.command("list")
def list_command(as_json: AsJson = False) -> None:
    """Every subscription with its deliveries: pending, delivered, dead."""
    store = _store()
    with store.engine.connect() as conn:
        found = outbox.list_subscriptions(conn)
    store.engine.dispose()
    if as_json:
        for row in found:
            typer.echo(json.dumps(row, default=str))
        return
    table = Table("subscription_id", "url", "filters", "pending", "delivered", "dead")
    for row in found:
        counts = row["deliveries"]
        table.add_row(row["subscription_id"], row["url"], json.dumps(row["filters"]), str(counts["pending"]),
                      str(counts["delivered"]), str(counts["dead"]))  # fmt: skip
    Console().print(table)


@subscriptions_app.command("remove")
def remove(subscription_id: str) -> None:
    """Delete a subscription and its deliveries."""
    store = _store()
    removed = outbox.remove_subscription(store.engine, subscription_id)
    store.engine.dispose()
    if not removed:
        err.print(f"no subscription {subscription_id}")
        raise typer.Exit(1)
    err.print(f"removed {subscription_id}")


@subscriptions_app.command("dead-letters")
def dead_letters(subscription_id: str, as_json: AsJson = False) -> None:
    """The subscription's dead-letter list: deliveries that failed every attempt, newest first."""
    store = _store()
    with store.engine.connect() as conn:
        letters = outbox.dead_letters(conn, subscription_id)
    store.engine.dispose()
    if as_json:
        for letter in letters:
            typer.echo(json.dumps(letter, default=str))
        return
    table = Table("delivery_id", "event", "article_id", "revision", "attempts", "last error", "failed at")
    for letter in letters:
        table.add_row(str(letter["delivery_id"]), letter["event"], letter["article_id"], str(letter["revision"]),
                      str(letter["attempts"]), letter["last_error"] or "", str(letter["finished_at"])[:19])  # fmt: skip
    Console().print(table)


@subscriptions_app.command("replay")
def replay(subscription_id: str) -> None:
    """Send the subscription's dead letters again (after the endpoint is fixed)."""
    store = _store()
    count = outbox.replay(store.engine, subscription_id, datetime.now(UTC))
    store.engine.dispose()
    err.print(f"{count} deliveries back in line for {subscription_id}")
