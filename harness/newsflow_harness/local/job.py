"""The main job on one machine: servers, the workers, ingest a folder, wait until stored, summarise."""

from __future__ import annotations

import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsflow_schemas import ArticleStored, DeadLetter
from services.common.broker import redis_answers
from services.common.connection import SyncRedis, sync_client
from services.common.partitions import partition_streams
from services.common.pipeline import STAGE_NAMES, STORED, STREAM_STAGES, producer
from services.common.settings import Settings
from services.common.streamread import Model, backlog_of, entries_added, last_entry_id, read_stream
from services.ingest.client import IngestClient, SubmitReport
from services.ingest.files import find_files
from services.store import queries
from services.store.repository import database_engine

from .servers import LocalServer, free_port, start_redis
from .workers import Workers

# The stages whose outputs mark progress: the first, the store (it announces only changes) and the one
# before it. Stages downstream of the store (deliver) do not hold the job back.
FIRST, LAST = STREAM_STAGES[0], producer(STORED)
BEFORE_LAST = next(spec for spec in STREAM_STAGES if spec.output is LAST.input)


class JobTimeout(RuntimeError):
    pass


@dataclass
class Marks:
    """Where each stream (every partition) stood when the job began, so the summary counts only this run."""

    added: dict[str, int] = field(default_factory=dict)
    last_id: dict[str, str] = field(default_factory=dict)


def _streams(settings: Settings) -> dict[str, list[str]]:
    """Each stream stage's output (every partition), by stage name; and the dead letters."""
    outputs = {
        spec.name: partition_streams(spec.output_stream(settings), settings)
        for spec in STREAM_STAGES
        if spec.writes_stream
    }
    return {**outputs, "dlq": [settings.stream_dlq]}


def _mark(client: SyncRedis, settings: Settings) -> Marks:
    marks = Marks()
    for streams in _streams(settings).values():
        for stream in streams:
            marks.added[stream] = entries_added(client, stream)
            marks.last_id[stream] = last_entry_id(client, stream)
    return marks


def _since(client: SyncRedis, settings: Settings, marks: Marks, name: str) -> int:
    return sum(entries_added(client, stream) - marks.added[stream] for stream in _streams(settings)[name])


def _read_since(client: SyncRedis, settings: Settings, marks: Marks, name: str, model: type[Model]) -> list[Model]:
    return [item for s in _streams(settings)[name] for item in read_stream(client, s, model, marks.last_id[s])]


def _group_idle(client: SyncRedis, streams: list[str], group: str) -> bool:
    """The group has read everything on `streams` and acknowledged it."""
    return backlog_of(client, streams, group) == 0


def run_job(paths: list[Path], settings: Settings, console: Console, timeout: float = 900) -> int:
    """Run the whole pipeline over `paths`; return 0 when every accepted article was stored."""
    started = time.monotonic()
    # A plain SIGTERM would end Python without running `finally`, leaving orphan workers in the groups.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    private: LocalServer | None = None
    if not settings.redis_cluster and not redis_answers(settings.redis_url):
        private = start_redis()
        console.print(f"No Redis at {settings.redis_url}: started a private one at {private.url}")
        settings = settings.model_copy(update={"redis_url": private.url})
    if settings.ingest_port == 8000:  # the default may be taken; pick a free port for this run
        settings = settings.model_copy(update={"ingest_port": free_port()})
    workers = Workers(settings, Path("data/logs"))
    try:
        with console.status(f"Starting the workers ({', '.join(STAGE_NAMES)})..."):
            workers.start_all()
        console.print(f"Workers running; logs in {workers.log_dir}/")
        client = sync_client(settings)
        marks = _mark(client, settings)
        files = find_files(paths)
        report = _submit(files, settings, console)
        _wait_until_done(client, settings, marks, len(report.accepted), console, timeout)
        _summarise(client, settings, marks, report, console)
        console.print(f"Done in {time.monotonic() - started:.1f} s.")
        return 0
    finally:
        with console.status("Stopping workers..."):
            workers.stop_all()
        if private:
            private.stop()


def _exit_on_sigterm(_signum: int, _frame: object) -> None:
    raise SystemExit(143)


def _submit(files: list[Path], settings: Settings, console: Console) -> SubmitReport:
    api = f"http://{settings.ingest_host}:{settings.ingest_port}"
    secret = settings.ingest_hmac_secret.get_secret_value() if settings.ingest_hmac_secret else None
    client = IngestClient(api, settings.ingest_api_keys[0].get_secret_value(), hmac_secret=secret)
    try:
        with _progress(console) as progress:
            task = progress.add_task("Ingesting files", total=len(files))
            report = client.submit_files(files, on_file=lambda _p: progress.advance(task))
    finally:
        client.close()
    console.print(f"Ingest accepted {len(report.accepted)} articles, rejected {len(report.rejected)} files.")
    return report


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _wait_until_done(
    client: SyncRedis, settings: Settings, marks: Marks, accepted: int, console: Console, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    with _progress(console) as progress:
        task = progress.add_task("Parse, enrich, store", total=accepted)
        while True:
            dead = _since(client, settings, marks, "dlq")
            # The last stage's output counts only what changed, so progress is read one stage earlier.
            through = min(accepted, _since(client, settings, marks, BEFORE_LAST.name) + dead)
            progress.update(task, completed=through)
            first_done = _since(client, settings, marks, FIRST.name) + dead >= accepted
            last_input = partition_streams(LAST.input_stream(settings), settings)
            if first_done and through >= accepted and _group_idle(client, last_input, LAST.name):
                progress.update(task, completed=accepted)
                return
            if time.monotonic() > deadline:
                raise JobTimeout(f"not all {accepted} articles were processed within {timeout:.0f} s")
            time.sleep(0.25)


def _summarise(client: SyncRedis, settings: Settings, marks: Marks, report: SubmitReport, console: Console) -> None:
    events = _read_since(client, settings, marks, LAST.name, ArticleStored)
    letters = _read_since(client, settings, marks, "dlq", DeadLetter)
    changes = Counter(e.change for e in events)
    dead_by_stage = Counter(letter.stage for letter in letters)

    table = Table(title="newsflow run")
    table.add_column("stage")
    table.add_column("in", justify="right")
    table.add_column("out", justify="right")
    table.add_column("dead-lettered", justify="right")
    submitted = len(report.accepted) + len(report.rejected)
    table.add_row("ingest", str(submitted), str(len(report.accepted)), f"{len(report.rejected)} rejected")
    came_in = len(report.accepted)
    for spec in STREAM_STAGES:
        dead = dead_by_stage[spec.name]
        if spec is LAST:  # its output is an event per new or changed article
            unchanged = max(0, came_in - len(events) - dead)
            out = f"{changes['created']} new, {changes['updated']} updated, {unchanged} unchanged"
            table.add_row(spec.name, str(came_in), out, str(dead))
            break
        went_out = _since(client, settings, marks, spec.name)
        table.add_row(spec.name, str(came_in), str(went_out), str(dead))
        came_in = went_out
    console.print(table)

    for path, reason in report.rejected[:10]:
        console.print(f"[yellow]rejected[/] {path.name}: {reason}")
    for letter in letters[:10]:
        console.print(f"[yellow]dead letter[/] ({letter.stage}) {letter.article_id}: {letter.reason}")

    engine = database_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            stories, several = queries.count_stories(conn), queries.count_stories(conn, min_articles=2)
            console.print(
                f"Store: {queries.count_articles(conn)} articles in {settings.database_url}; stories: {stories} "
                f"({several} with several articles: newsflow stories list --min-articles 2)"
            )
            accepted = [article_id for _p, article_id, _t in report.accepted][:20]
            sample = next((a for a in (queries.article(conn, i) for i in accepted) if a is not None), None)
    finally:
        engine.dispose()
    if sample is not None:
        _show_sample(sample, console)


def _show_sample(article: dict[str, Any], console: Console) -> None:
    """The first stored article of this run (from the first path given), as a reader would see it."""
    doc = article["document"]
    console.rule(f"Sample: {doc.get('title') or article['article_id']}")
    dateline = " ".join(str(v) for v in (doc.get("dateline") or {}).values() if v)
    console.print(
        f"id {article['article_id']}  language {doc.get('language') or doc.get('detected_language')}  "
        f"agency {doc.get('agency')}  dateline {dateline or '-'}  reference {doc.get('reference') or '-'}  "
        f"story {article['story_id'] or '-'}"
    )
    console.print(doc["body"][:400] + ("..." if len(doc["body"]) > 400 else ""))
    entities = Table("entity", "type", "mentions")
    for entity in sorted(doc.get("entities", []), key=lambda e: (-e["mentions"], e["name"]))[:15]:
        entities.add_row(entity["name"], entity["type"], str(entity["mentions"]))
    console.print(entities)
