"""The harness's `newsflow` commands: the main job, the fault test, the benchmark and the evaluations.

The product's CLI finds them through the `newsflow.commands` entry point, so `newsflow run` works
wherever the harness is installed and the product never imports the harness.
"""

from __future__ import annotations

import sys
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
    app.add_typer(eval_app, name="eval")


def run(
    paths: Paths,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the pipeline to finish.")] = 900,
) -> None:
    """The main job: start what is missing, run the four workers, ingest PATHS, wait until stored, summarise."""
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

    Prints `sent=N stored=N lost=0 duplicated=0 dlq=K`; exits 1 if anything was lost or duplicated
    (or stored without its ArticleStored event). On a cluster, the Redis faults are master failovers.
    """
    from .local.chaos import run_chaos

    console = Console()
    outcome = run_chaos(corpus, articles, Path("data/chaos"), console, timeout, partitions=cluster_partitions)
    console.log(f"{len(outcome.faults)} faults injected")
    console.log(f"stored without an event: {outcome.unannounced}; outputs beyond one per article: {outcome.redone}")
    for article_id, events in outcome.duplicates.items():
        console.log(f"announced more than once: {article_id}: {events}")
    typer.echo(outcome.line)
    raise typer.Exit(1 if outcome.lost or outcome.duplicated or outcome.unannounced else 0)


def bench(
    articles: Annotated[int, typer.Option(help="Articles for the pipeline run (pages and seeds cycled).")] = 2_000,
    corpus: Annotated[Path, typer.Option(help="The shared corpus folder.")] = CORPUS,
    peers: Annotated[bool, typer.Option(help="Also time newspaper4k, news-please, trafilatura.")] = True,
    soak: Annotated[float, typer.Option(help="Instead: a soak run of this many minutes at 50% load.")] = 0,
    scaling: Annotated[
        bool, typer.Option(help="Instead: articles/s and per-replica counts for several replica layouts.")
    ] = False,
) -> None:
    """Throughput, latency, messaging and memory on this machine; prints a table and bench/results.json."""
    from .bench.run import run_bench, run_scaling_table, run_soak

    console = Console()
    if scaling:
        run_scaling_table(corpus, articles, Path("bench/scaling.json"), console)
    elif soak:
        run_soak(corpus, soak, Path("bench/soak.json"), console)
    else:
        run_bench(corpus, articles, peers, Path("bench/results.json"), console)
