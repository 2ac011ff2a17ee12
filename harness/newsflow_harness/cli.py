"""The harness's `newsflow` commands: the main job, the fault test, the benchmark and the evaluations.

The product's CLI finds them through the `newsflow.commands` entry point, so `newsflow run` works
wherever the harness is installed and the product never imports the harness.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from services.common.settings import Settings

from .corpus import CORPUS
from .evaluation.cli import eval_app

Paths = Annotated[list[Path], typer.Argument(help="Files or folders of articles.")]


def register(app: typer.Typer) -> None:
    """Add the harness's commands to the `newsflow` command."""
    app.command()(run)
    app.command()(chaos)
    app.command()(bench)
    app.command(name="bench-warc")(bench_warc)
    app.add_typer(eval_app, name="eval")


def run(
    paths: Paths,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the pipeline to finish.")] = 900,
) -> None:
    """The main job: start what is missing, run the workers, ingest PATHS, wait until stored, summarise."""
    from .local.job import run_job

    sys.exit(run_job(paths, Settings(), Console(), timeout=timeout))


def chaos(
    articles: Annotated[int, typer.Option(help="How many articles to push through.")] = 2_000,
    corpus: Annotated[Path, typer.Option(help="The shared corpus folder (seeds and dev pages are cycled).")] = CORPUS,
    timeout: Annotated[float, typer.Option(help="Seconds before giving up.")] = 1_800,
    cluster_partitions: Annotated[
        int, typer.Option(help="Run on a private 3-master Redis Cluster with this many partitions (0: one Redis).")
    ] = 0,
) -> None:
    """Fault test: N articles through private servers while workers, Redis and PostgreSQL are knocked out.

    Prints `sent=N stored=N lost=0 duplicated=0 dlq=K phantom=0`; exits 1 if anything was lost or
    duplicated, stored without its ArticleStored event, or announced without a row (phantom). On a
    cluster, the Redis faults are master failovers.
    """
    from .local.chaos import run_chaos

    console = Console()
    outcome = run_chaos(corpus, articles, Path("data/chaos"), console, timeout, partitions=cluster_partitions)
    console.log(f"{len(outcome.faults)} faults injected")
    console.log(f"stored without an event: {outcome.unannounced}; outputs beyond one per article: {outcome.redone}")
    for article_id, events in outcome.duplicates.items():
        console.log(f"announced more than once: {article_id}: {events}")
    typer.echo(outcome.line)
    raise typer.Exit(1 if outcome.lost or outcome.duplicated or outcome.unannounced or outcome.phantom else 0)


def bench(
    articles: Annotated[int, typer.Option(help="Articles for the pipeline run (pages and seeds cycled).")] = 2_000,
    corpus: Annotated[Path, typer.Option(help="The shared corpus folder.")] = CORPUS,
    peers: Annotated[bool, typer.Option(help="Also time newspaper4k, news-please, trafilatura.")] = True,
    soak: Annotated[float, typer.Option(help="Instead: a soak run of this many minutes at 50% load.")] = 0,
    scaling: Annotated[
        bool, typer.Option(help="Instead: articles/s and per-replica counts for several replica layouts.")
    ] = False,
    store_scaling: Annotated[
        bool,
        typer.Option(
            help="Instead: the store alone with 1, 2 and 4 replicas on PostgreSQL, enrich output replayed "
            "(distinct dev articles, at most --articles)."
        ),
    ] = False,
) -> None:
    """Throughput, latency, messaging and memory on this machine; prints a table and bench/results.json."""
    from .bench.run import run_bench, run_scaling_table, run_soak, run_store_scaling_table

    console = Console()
    if store_scaling:
        run_store_scaling_table(corpus, articles, Path("bench/store-scaling.json"), console)
    elif scaling:
        run_scaling_table(corpus, articles, Path("bench/scaling.json"), console)
    elif soak:
        run_soak(corpus, soak, Path("bench/soak.json"), console)
    else:
        run_bench(corpus, articles, peers, Path("bench/results.json"), console)


def bench_warc(
    warc: Annotated[
        Path | None, typer.Option(help="A WARC to ingest; default: generate one from the dev pages.")
    ] = None,
    size_mb: Annotated[int, typer.Option(help="Size of the generated WARC in MB (gzipped).")] = 1024,
    corpus: Annotated[Path, typer.Option(help="The shared corpus folder (its dev pages fill the WARC).")] = CORPUS,
    port: Annotated[int, typer.Option(help="Port for the ingest worker.")] = 8000,
    keep: Annotated[bool, typer.Option(help="Keep the generated WARC (bench/warc/).")] = False,
) -> None:
    """A large WARC through a real ingest worker and `newsflow ingest`: MB/s, articles/s and the command's
    RSS from start to end (constant memory); the raw stream is drained as an instant parse stage would.
    Redis from NEWSFLOW_REDIS_URL. Writes bench/warc.json."""
    from .bench.warc import make_warc, run_warc_bench, write_result

    console = Console()
    settings = Settings()
    path = warc
    if path is None:
        path = Path("bench/warc/bench.warc.gz")
        started = time.monotonic()
        records = make_warc(path, size_mb * 1_000_000, corpus / "extraction-dev" / "html")
        console.log(f"wrote {path} ({path.stat().st_size / 1e6:,.0f} MB, {records:,} records) "
                    f"in {time.monotonic() - started:.0f} s")  # fmt: skip
    try:
        result = run_warc_bench(path, settings.redis_url, port, Path("bench/logs/warc"))
    finally:
        if warc is None and not keep:
            path.unlink(missing_ok=True)
    write_result(result, Path("bench/warc.json"))
    console.print(result.report)
    console.print_json(data=result.summary())
