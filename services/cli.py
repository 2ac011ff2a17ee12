"""The `newsflow` command: run workers, ingest files, inspect parsing and the store, run the main job."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import structlog
import typer
from rich.console import Console

from services.common import pipeline
from services.common.console import show_article, with_dateline
from services.common.pipeline import STAGE_NAMES
from services.common.settings import Settings
from services.deliver.cli import subscriptions_app
from services.dlq.cli import dlq_app
from services.status.cli import status
from services.store.cli import articles_app, stories_app
from services.store.schema import SchemaNotCurrent
from services.store.schema_cli import db_app

app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False)
app.add_typer(articles_app, name="articles")
app.add_typer(dlq_app, name="dlq")
app.add_typer(stories_app, name="stories")
app.add_typer(db_app, name="db")
app.add_typer(subscriptions_app, name="subscriptions")
app.command()(status)
err = Console(stderr=True)

Paths = Annotated[
    list[Path],
    typer.Argument(
        help="Files or folders: WARC, JSON Lines, JSON, RSS/Atom, HTML, text (also gzipped), told by content."
    ),
]


Stage = StrEnum("Stage", {name: name for name in STAGE_NAMES})  # type: ignore[misc]  # the pipeline's stages


@app.command()
def worker(stage: Annotated[Stage, typer.Argument(help="Which stage this process runs.")]) -> None:
    """Run one stage's worker in this process until SIGINT/SIGTERM (settings from NEWSFLOW_* variables)."""
    spec = pipeline.stage(stage.value)
    settings = Settings()
    if not spec.reads_stream:
        spec.builder()(settings)  # the HTTP front door serves until stopped
        return
    from services.common.stage import build_app

    asyncio.run(build_app(spec, settings).run())
    if not _input_group_exists(spec.name):
        # FastStream stops a subscriber whose group vanished (Redis restarted without persistence, or
        # someone deleted it). Start afresh in this process: start-up recreates the group.
        structlog.get_logger().critical("consumer group vanished: restarting the worker to recreate it")
        os.execv(sys.executable, [sys.executable, "-m", "services.cli", "worker", spec.name])


@app.command()
def api(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default: NEWSFLOW_API_HOST, else 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: NEWSFLOW_API_PORT, else 8001).")] = None,
) -> None:
    """Serve the read-only query API (OpenAPI at /docs) and the status web page (/ui/) until SIGINT/SIGTERM.
    Keys: NEWSFLOW_API_KEY_DIGESTS (production) or NEWSFLOW_API_KEYS (default ["dev-key"], ignored once
    digests are set, refused on a non-loopback address)."""
    import uvicorn

    from services.api.app import create_app
    from services.common.apikeys import dev_key_problem

    settings = Settings()
    problem = dev_key_problem(host or settings.api_host, settings.api_key_digests, settings.api_keys, "NEWSFLOW")
    if problem:
        raise SystemExit(problem)
    uvicorn.run(create_app(settings), host=host or settings.api_host, port=port or settings.api_port, log_config=None)


def _input_group_exists(stage: str, attempts: int = 10) -> bool:
    """Whether the stage's group is still there on every partition of its input; False too when Redis
    stays unreachable (restart anyway)."""
    import redis

    from services.common.connection import REDIS_ERRORS, sync_client
    from services.common.partitions import partition_streams

    settings = Settings()
    for _ in range(attempts):
        try:
            client = sync_client(settings, decode_responses=True, socket_timeout=5)
            try:
                return all(
                    any(g["name"] == stage for g in client.xinfo_groups(stream))
                    for stream in partition_streams(pipeline.stage(stage).input_stream(settings), settings)
                )
            finally:
                client.close()
        except redis.ResponseError as error:  # no such stream, but a cluster failing over says so too
            if "CLUSTERDOWN" not in str(error) and "TRYAGAIN" not in str(error):
                return False
            time.sleep(1)
        except REDIS_ERRORS:  # unreachable, or no node for a slot yet
            time.sleep(1)
    return False


@app.command()
def ingest(
    paths: Paths,
    api: Annotated[str | None, typer.Option(help="Ingest API base URL [default: from settings].")] = None,
    api_key: Annotated[str | None, typer.Option(envvar="NEWSFLOW_API_KEY", help="API key.")] = None,
    start_offset: Annotated[
        int, typer.Option(help="WARC only: start at the record at this byte offset (what an interrupted run printed).")
    ] = 0,
) -> None:
    """Submit files and folders to the ingest API, with a progress bar. Each file is read by what it holds:
    WARC (also .warc.gz), JSON Lines, JSON (ours or a scraper's), RSS/Atom, HTML, plain text. A file that is
    none of these is skipped with its reason; one bad file or record never stops the rest."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from services.ingest.client import IngestClient
    from services.ingest.files import UnreadableFile, find_files
    from services.ingest.report import print_report

    settings = Settings()
    try:
        files = find_files(paths)
    except UnreadableFile as exc:
        raise typer.BadParameter(str(exc)) from exc
    if start_offset and len(files) != 1:
        raise typer.BadParameter("give one WARC file with --start-offset", param_hint="--start-offset")
    if not api_key and not settings.ingest_api_keys:
        raise typer.BadParameter("no API key: give --api-key or set NEWSFLOW_API_KEY", param_hint="--api-key")
    client = IngestClient(
        api or f"http://{settings.ingest_host}:{settings.ingest_port}",
        api_key or settings.ingest_api_keys[0].get_secret_value(),
        hmac_secret=settings.ingest_hmac_secret.get_secret_value() if settings.ingest_hmac_secret else None,
    )
    total = sum(p.stat().st_size for p in files) - start_offset
    columns = (TextColumn("Submitting"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=err) as progress:
            task = progress.add_task("Submitting", total=total)
            report = client.submit_files(files, on_bytes=lambda n: progress.advance(task, n), start_offset=start_offset)
    except BaseException as exc:
        offset = next((f.resume_offset for f in getattr(client, "last_report", []) if f.resume_offset), None)
        if offset is not None:
            err.print(f"[red]stopped[/] ({type(exc).__name__}); resume with --start-offset {offset}")
        raise
    finally:
        client.close()
    print_report(report, err)
    for path, article_id, trace_id in report.accepted:
        typer.echo(json.dumps({"path": str(path), "article_id": article_id, "trace_id": trace_id}))
    raise typer.Exit(1 if report.rejected and not report.accepted else 0)


def _raw_articles(paths: list[Path]) -> list[tuple[Path, Any]]:
    """Files -> RawArticle messages as ingest would make them, without Redis."""
    from datetime import UTC, datetime

    from services.common.errors import RejectedInput
    from services.ingest.core import admit, submission_from_json
    from services.ingest.files import UnreadableFile, find_files, read_articles

    now, out = datetime.now(UTC), []
    for path in find_files(paths):
        try:
            for item in read_articles(path):
                out.append((path, admit(submission_from_json(item.submission), "local", now, 50_000_000)))
        except (UnreadableFile, RejectedInput) as exc:
            err.print(f"[yellow]skipped[/] {path}: {exc}")
    return out


def _parsed_json(parsed: Any) -> dict[str, Any]:
    return with_dateline(parsed.model_dump(mode="json"))


@app.command()
def parse(
    paths: Paths, as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False
) -> None:
    """Run the parse core on files in this process (no Redis) and print the results."""
    from services.common.errors import RejectedInput
    from services.parse.core import parse as parse_article

    for path, raw in _raw_articles(paths):
        try:
            parsed = parse_article(raw)
        except RejectedInput as exc:
            err.print(f"[yellow]rejected[/] {path}: {exc.reason}")
            continue
        show_article(str(path), _parsed_json(parsed), as_json)


@app.command()
def process(
    paths: Paths, as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False
) -> None:
    """Run parse + enrich in this process (no Redis) and print the results with entities."""
    from services.common.errors import RejectedInput
    from services.enrich.core import enrich
    from services.enrich.model import load_nlp
    from services.parse.core import parse as parse_article

    settings = Settings()
    nlp = load_nlp(settings.spacy_model)
    for path, raw in _raw_articles(paths):
        try:
            enriched = enrich(parse_article(raw), nlp, settings.spacy_model)
        except RejectedInput as exc:
            err.print(f"[yellow]rejected[/] {path}: {exc.reason}")
            continue
        show_article(str(path), _parsed_json(enriched), as_json)


@app.command()
def apikey() -> None:
    """Make a new API key: give the key to the client, put its digest in NEWSFLOW_INGEST_API_KEY_DIGESTS
    (ingest) or NEWSFLOW_API_KEY_DIGESTS (query API)."""
    from services.common.apikeys import new_key

    key, digest = new_key()
    typer.echo(f"key:    {key}\ndigest: {digest}")
    err.print("The key is shown once and stored nowhere; to revoke it, remove its digest from the settings.")


@app.command()
def asyncapi(
    out: Annotated[Path, typer.Option(help="Where to write the document.")] = Path("schemas/asyncapi.json"),
) -> None:
    """Write the AsyncAPI document of the whole pipeline (every stream and its message model) as JSON."""
    from services.asyncapi import asyncapi_document

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(asyncapi_document(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    err.print(f"wrote {out}")


def _add_plugins() -> None:
    """Commands of other installed packages (the harness: run, chaos, bench, eval), found by entry point
    so that the product never imports them."""
    from importlib.metadata import entry_points

    seen = set()
    for entry in entry_points(group="newsflow.commands"):
        if entry.value not in seen:  # one package installed twice (editable and in a wheel) registers once
            seen.add(entry.value)
            entry.load()(app)


def main() -> None:
    _add_plugins()
    try:
        app()
    except SchemaNotCurrent as error:  # one line saying what to run, not a traceback
        err.print(f"newsflow: {error}", style="red", soft_wrap=True)
        raise SystemExit(3) from None


if __name__ == "__main__":
    main()
