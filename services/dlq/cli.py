"""`newsflow dlq ...`: inspect dead letters and send them back through the pipeline after a fix."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from services.common.connection import SyncRedis, sync_client
from services.common.settings import RedisSettings

from .core import Letter, UnknownLetter, drop, get_letter, list_letters, replay

dlq_app = typer.Typer(help="Inspect, replay or drop dead letters (articles.dlq).", no_args_is_help=True)
err = Console(stderr=True)

EntryIds = Annotated[list[str] | None, typer.Argument(help="Dead-letter entry ids (from `newsflow dlq list`).")]
AllOption = Annotated[bool, typer.Option("--all", help="Every dead letter (of --stage, if given).")]
StageOption = Annotated[str | None, typer.Option(help="Only letters of this stage (parse, enrich, store).")]


def _client(settings: RedisSettings) -> SyncRedis:
    return sync_client(settings)


def printable(text: str) -> str:
    """`text` safe for a terminal: control characters (escape sequences, bell, C1 controls), which anyone
    writing to the stream can put in an article id or reason, shown escaped; rich markup escaped too."""
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    return escape(shown)


@dlq_app.command("list")
def list_command(
    stage: StageOption = None,
    limit: Annotated[int, typer.Option(help="At most this many letters.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Dead letters, oldest first: entry id, stage, article and reason."""
    settings = RedisSettings()
    letters = list_letters(_client(settings), settings, stage, limit)
    if as_json:
        for item in letters:
            typer.echo(
                json.dumps({"entry_id": item.entry_id, **item.letter.model_dump(mode="json", exclude={"payload"})})
            )
        return
    table = Table("entry id", "stage", "article", "failed at", "reason", title=f"{settings.stream_dlq}")
    for item in letters:
        letter = item.letter
        table.add_row(printable(item.entry_id), printable(letter.stage), printable(letter.article_id or "-"),
                      f"{letter.failed_at:%Y-%m-%d %H:%M:%S}", printable(letter.reason[:80]))  # fmt: skip
    Console().print(table)


@dlq_app.command("show")
def show_command(entry_id: str) -> None:
    """One dead letter with its original payload, as JSON."""
    settings = RedisSettings()
    try:
        item = get_letter(_client(settings), settings, entry_id)
    except UnknownLetter as exc:
        err.print(str(exc))
        raise typer.Exit(1) from exc
    typer.echo(json.dumps({"entry_id": item.entry_id, **item.letter.model_dump(mode="json")}, indent=2))


@dlq_app.command("replay")
def replay_command(entry_ids: EntryIds = None, all_letters: AllOption = False, stage: StageOption = None) -> None:
    """Send letters back to the input of the stage that failed them, then remove them from the DLQ."""
    settings = RedisSettings()
    client = _client(settings)
    letters = _chosen(client, settings, entry_ids, all_letters, stage)
    replayed = replay(client, settings, letters)
    err.print(f"replayed {replayed} of {len(letters)} dead letters")
    if replayed < len(letters):
        err.print("[yellow]letters whose payload is not JSON were left in place[/]")


@dlq_app.command("drop")
def drop_command(entry_ids: EntryIds = None, all_letters: AllOption = False, stage: StageOption = None) -> None:
    """Delete dead letters for good."""
    settings = RedisSettings()
    client = _client(settings)
    err.print(
        f"dropped {drop(client, settings, _chosen(client, settings, entry_ids, all_letters, stage))} dead letters"
    )


def _chosen(
    client: SyncRedis, settings: RedisSettings, entry_ids: list[str] | None, all_letters: bool, stage: str | None
) -> list[Letter]:
    if bool(entry_ids) == all_letters:
        raise typer.BadParameter("give entry ids or --all (not both)")
    if all_letters:
        return list_letters(client, settings, stage, limit=1_000_000)
    try:
        return [get_letter(client, settings, entry_id) for entry_id in entry_ids or []]
    except UnknownLetter as exc:
        raise typer.BadParameter(str(exc)) from exc
