"""`newsflow articles ...` and `newsflow stories ...`: the store read through the same queries as the
query API (queries.py), so both show the same articles in the same shape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from pydantic_core import to_jsonable_python
from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection, inspect

from services.common.console import show_article, with_dateline
from services.common.settings import StoreSettings

from . import queries
from .paging import BadParameter, Cursor
from .repository import database_engine

articles_app = typer.Typer(help="Read stored articles.", no_args_is_help=True)
stories_app = typer.Typer(
    help="Read the stories: articles about one event, grouped at store time.", no_args_is_help=True
)
err = Console(stderr=True)

Limit = Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")]
CursorOption = Annotated[str | None, typer.Option(help="Continue after a previous page (the `next:` it printed).")]
AsJson = Annotated[bool, typer.Option("--json", help="JSON for scripts: one object per line (show: one object).")]


@contextmanager
def reading() -> Iterator[Connection]:
    """A connection to the configured store; a clear exit when it holds no articles table yet."""
    url = StoreSettings().database_url
    engine = database_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("articles"):
                err.print(f"no store at {url} yet: run the pipeline first (`newsflow run PATH`)")
                raise typer.Exit(1)
            yield conn
    finally:
        engine.dispose()


def _cursor(cursor: str | None) -> Cursor | None:
    try:
        return Cursor.decode(cursor) if cursor else None
    except BadParameter as exc:
        raise typer.BadParameter(str(exc), param_hint="--cursor") from exc


def _next(command: str, after: Cursor | None) -> None:
    if after is not None:
        err.print(f"next: newsflow {command} --cursor {after.encode()}")


@articles_app.command("list")
def articles_list(limit: Limit = 20, cursor: CursorOption = None, as_json: AsJson = False) -> None:
    """The most recently stored articles."""
    with reading() as conn:
        rows, after = queries.list_articles(conn, queries.ArticleFilter(), "stored", limit, _cursor(cursor))
    if as_json:
        for row in rows:
            typer.echo(_json(row))
    else:
        table = Table("article_id", "stored_at", "language", "words", "title")
        for row in rows:
            title = row["title"] or " ".join(row["lead"].split())
            table.add_row(
                row["article_id"],
                str(row["stored_at"])[:19],
                row["language"] or "-",
                str(row["word_count"]),
                title[:70],
            )
        Console().print(table)
    _next("articles list", after)


@articles_app.command("show")
def articles_show(article_id: str, as_json: AsJson = False) -> None:
    """One stored article: what GET /v1/articles/{id} answers (with --json, exactly that)."""
    with reading() as conn:
        article = queries.article(conn, article_id)
    if article is None:
        err.print(f"no article {article_id}")
        raise typer.Exit(1)
    if as_json:
        typer.echo(_json(article, indent=2))
        return
    shown = {**article["document"], "story_id": article["story_id"], "duplicate_of": article["duplicate_of"]}
    show_article(article_id, with_dateline(shown), as_json=False)


@stories_app.command("list")
def list_command(
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many stories.")] = 20,
    cursor: CursorOption = None,
    min_articles: Annotated[int, typer.Option(min=1, help="Only stories of at least this many articles.")] = 1,
    as_json: AsJson = False,
) -> None:
    """Stories, the most recently active first, each with its articles' titles (newest first)."""
    with reading() as conn:
        found, after = queries.list_stories(conn, limit, _cursor(cursor), min_articles)
        for story in found:
            story["articles"] = _members(conn, story["story_id"])
    if as_json:
        for story in found:
            typer.echo(json.dumps(story, default=str, ensure_ascii=False))
    else:
        console = Console()
        for story in found:
            seen = f"{_day(story['first_seen'])} .. {_day(story['last_seen'])}"
            console.print(f"[bold cyan]{story['story_id']}[/]  {_articles(story['article_count'])}  {seen}")
            console.print(f"  [bold]{story['title'] or '(no title)'}[/]", overflow="ellipsis", no_wrap=True)
            for article in story["articles"]:
                # The copy mark goes first: a long headline is cut at the terminal's edge.
                copy = f"[dim](copy of {article['duplicate_of'][:12]})[/] " if article["duplicate_of"] else ""
                line = f"    {article['article_id'][:12]:<12}  {copy}{_headline(article)}"
                console.print(line, overflow="ellipsis", no_wrap=True, highlight=False)
    _next("stories list", after)


@stories_app.command("show")
def show_command(
    story_id: Annotated[str, typer.Argument(help="A story id (from `newsflow stories list`).")],
    as_json: AsJson = False,
) -> None:
    """One story and all its articles."""
    with reading() as conn:
        if (into := queries.survivor(conn, story_id)) is not None:
            err.print(f"story {story_id} was merged into {into}: showing that one")
            story_id = into
        story = queries.story(conn, story_id)
        if story is not None:
            story["articles"] = _members(conn, story_id)
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


def _json(data: Any, indent: int | None = None) -> str:
    """JSON as the query API writes it (ISO 8601 times in UTC with Z), so both print one shape."""
    return json.dumps(to_jsonable_python(data), ensure_ascii=False, indent=indent)


def _members(conn: Connection, story_id: str, most: int = 1000) -> list[dict[str, Any]]:
    members, _ = queries.list_articles(conn, queries.ArticleFilter(story_id=story_id), "stored", most, None)
    return members


def _day(moment: Any) -> str:
    return str(moment)[:10] if moment else "-"


def _headline(article: dict[str, Any]) -> str:
    return article["title"] or " ".join((article["lead"] or "").split())[:120] or "(no text)"


def _articles(count: int) -> str:
    return f"{count} article{'' if count == 1 else 's'}"
