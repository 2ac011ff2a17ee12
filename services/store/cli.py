"""`newsflow stories ...`: the stories the store made, with their articles."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from services.common.settings import Settings

from .repository import Store, database_engine

stories_app = typer.Typer(
    help="Read the stories: articles about one event, grouped at store time.", no_args_is_help=True
)
err = Console(stderr=True)


def _store() -> Store:
    store = Store(database_engine(Settings().database_url))
    store.create_schema()
    return store


def _day(moment: Any) -> str:
    return str(moment)[:10] if moment else "-"


def _headline(article: dict[str, Any]) -> str:
    return article["title"] or " ".join((article["lede"] or "").split()) or "(no text)"


@stories_app.command("list")
def list_command(
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many stories.")] = 20,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    min_articles: Annotated[int, typer.Option(min=1, help="Only stories of at least this many articles.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Stories, the most recently active first, each with its articles' titles."""
    found = _store().list_stories(limit=limit, offset=offset, min_articles=min_articles)
    if as_json:
        for story in found:
            typer.echo(json.dumps(story, default=str, ensure_ascii=False))
        return
    console = Console()
    for story in found:
        seen = f"{_day(story['first_seen'])} .. {_day(story['last_seen'])}"
        count = _articles(story["article_count"])
        console.print(f"[bold cyan]{story['story_id']}[/]  {count}  {seen}", highlight=False)
        console.print(f"  [bold]{story['title'] or '(no title)'}[/]", overflow="ellipsis", no_wrap=True)
        for article in story["articles"]:
            # The copy mark goes first: a long headline is cut at the terminal's edge.
            copy = f"[dim](copy of {article['duplicate_of'][:12]})[/] " if article["duplicate_of"] else ""
            line = f"    {article['article_id'][:12]:<12}  {copy}{_headline(article)}"
            console.print(line, overflow="ellipsis", no_wrap=True, highlight=False)


@stories_app.command("show")
def show_command(
    story_id: Annotated[str, typer.Argument(help="A story id (from `newsflow stories list`).")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One story and all its articles."""
    story = _store().get_story(story_id)
    if story is None:
        err.print(f"no story {story_id}")
        raise typer.Exit(1)
    if as_json:
        typer.echo(json.dumps(story, default=str, ensure_ascii=False, indent=2))
        return
    console = Console()
    console.rule(story["title"] or story_id)
    console.print(
        f"story {story_id}  {_articles(story['article_count'])}  "
        f"seen {_day(story['first_seen'])} to {_day(story['last_seen'])}"
    )
    table = Table("article_id", "published", "source", "title", "copy of")
    for article in story["articles"]:
        table.add_row(
            article["article_id"],
            _day(article["published_at"]),
            article["source"] or (article["url"] or "-")[:40],
            _headline(article)[:60],
            article["duplicate_of"] or "",
        )
    console.print(table)


def _articles(count: int) -> str:
    return f"{count} article{'' if count == 1 else 's'}"
