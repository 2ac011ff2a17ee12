"""`newsflow articles ...` and `newsflow stories ...`: the store read through the same queries as the
query API (queries.py), so both show the same articles in the same shape; and `newsflow stories merge`,
one story merge pass (merge_pass.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer
from pydantic_core import to_jsonable_python
from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection, Engine, inspect

from services.common.console import show_article, with_dateline
from services.common.settings import StoreSettings

from . import backfill, merge_pass, merging, queries
from .announce import MergeAnnouncer
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
            err.print(f"story {story_id} was merged into {into}: showing that one", soft_wrap=True)
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


@stories_app.command("merge")
def merge_command(
    lookback_days: Annotated[
        float, typer.Option(min=0, help="Look again at stories active this many days before now.")
    ] = merge_pass.LOOKBACK.days,
    most: Annotated[
        int, typer.Option(min=2, help="At most this many stories, the most recent.")
    ] = merge_pass.MAX_STORIES,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would merge; change nothing.")] = False,
    as_json: AsJson = False,
) -> None:
    """One story merge pass now (the store worker runs one every NEWSFLOW_STORY_MERGE_INTERVAL_S): rejoin
    recent stories of one event, then announce each merge on stories.merged; prints what it merged."""
    settings = StoreSettings()
    engine = database_engine(settings.database_url)
    now, lookback = datetime.now(UTC), timedelta(days=lookback_days)
    rows: list[dict[str, Any]]
    try:
        if dry_run:
            with engine.connect() as conn:
                planned = merging.plan(merge_pass.recent_profiles(conn, now, lookback, most))
            rows = [{**vars(m), "shared": list(m.shared)} for m in planned]
        else:
            done = asyncio.run(_one_pass(engine, settings, now, lookback, most))
            if done.skipped:
                err.print("another store replica is running a merge pass: nothing done")
            rows = [e.model_dump(mode="json") for e in done.merged]
    finally:
        engine.dispose()
    for row in rows:
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False))
            continue
        moved = f"{_articles(len(row['article_ids']))} " if "article_ids" in row else ""
        shared = ", ".join(row["shared"][:5])
        typer.echo(f"{row['story_id']} -> {row['into_story_id']}  {moved}score {row['score']:.2f}  shared: {shared}")
    err.print(f"{len(rows)} stor{'y' if len(rows) == 1 else 'ies'} {'would merge' if dry_run else 'merged'}")


@stories_app.command("backfill")
def backfill_command(
    days: Annotated[
        float, typer.Option(min=0, help="Stories active in the store's last this many days (before its latest story).")
    ] = backfill.DAYS,
) -> None:
    """Once, after `newsflow db upgrade` from a release before revision 0003: give the articles already in
    recent stories the member vectors and word counts placement keeps, so new articles can join those
    stories; and to members kept before their lead person was, that person. Safe beside running store
    workers, and to run again (it skips what it has done)."""
    engine = database_engine(StoreSettings().database_url)
    try:
        with err.status("backfilling member vectors...") as status:
            total = 0

            def progress(count: int) -> None:
                nonlocal total
                total += count
                status.update(f"backfilling member vectors: {total} articles")

            done = backfill.backfill(engine, days, progress=progress)
    finally:
        engine.dispose()
    if done.since is None:
        err.print("the store holds no stories: nothing to do")
        return
    err.print(f"{_articles(done.added)} of stories active since {done.since:%Y-%m-%d %H:%M} given member vectors")
    if done.leads:
        err.print(f"{_articles(done.leads)} kept as members before leads were kept given their lead person")
    for article_id in done.unreadable:
        err.print(f"skipped {article_id}: its stored document does not validate against this release's contract")


async def _one_pass(
    engine: Engine, settings: StoreSettings, now: datetime, lookback: timedelta, most: int
) -> merge_pass.PassResult:
    announcer = MergeAnnouncer(settings)
    try:
        return await merge_pass.run_pass(engine, announcer, now, lookback=lookback, most=most)
    finally:
        await announcer.close()


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
