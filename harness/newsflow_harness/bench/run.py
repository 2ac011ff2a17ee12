"""`newsflow bench`: one run, one table (and bench/results.json) with pass/fail lines for the targets."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from newsflow_harness.corpus import bench_submissions
from newsflow_harness.local.servers import LocalServer, start_postgres, start_redis
from services.common.broker import redis_answers
from services.common.settings import Settings
from services.store.repository import Store, database_engine

from .compute import run_compute
from .messaging import run_messaging
from .pipeline import Pipeline, bench_settings, fresh_database

RSS_LIMIT_MB = 400
# The profile (compute's per-stage times) puts 60% of the CPU in enrich: on two cores it gets two
# replicas, so parse, enrich and store together can use both (one enrich: 12.6 articles/s; two: 14.9).
REPLICAS = {"enrich": 2}


def servers(console: Console) -> tuple[str, str, list[LocalServer]]:
    """Redis and PostgreSQL from REDIS_URL / DATABASE_URL when they answer, else private ones."""
    started: list[LocalServer] = []
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if not redis_answers(redis_url):
        started.append(start_redis())
        redis_url = started[-1].url
    postgres_url = os.environ.get("DATABASE_URL", "")
    if not postgres_url.startswith("postgresql"):
        started.append(start_postgres())
        postgres_url = started[-1].url
    console.log(f"Redis {redis_url}, PostgreSQL {postgres_url.rsplit('@', 1)[-1]}")
    return redis_url, postgres_url, started


def run_bench(corpus: Path, articles: int, with_peers: bool, out: Path, console: Console) -> dict[str, Any]:
    redis_url, postgres_url, started = servers(console)
    results: dict[str, Any] = {"articles": articles, "cores": os.cpu_count()}
    try:
        submissions = bench_submissions(corpus, articles)
        compute_n = min(articles, 500)
        console.log(f"1/4 pure compute on {compute_n} articles (parse + enrich + store cores, one process)")
        store = Store(database_engine(fresh_database(postgres_url)))
        store.create_schema()
        compute = run_compute(submissions[:compute_n], store, Settings().spacy_model)
        store.engine.dispose()
        results["compute"] = {**asdict(compute), "per_second": compute.per_second}

        console.log(f"2/4 pipeline ({REPLICAS}): {articles} articles as a burst, then an open-loop load at 50%")
        pipeline = Pipeline(bench_settings(redis_url, fresh_database(postgres_url)), out.parent / "logs", REPLICAS)
        try:
            burst = pipeline.burst(submissions)
            rate = burst.per_second / 2
            loaded = [dict(item, url=item["url"] + "/loaded") for item in submissions[: max(100, int(rate * 60))]]
            latency = pipeline.open_loop(loaded, rate)
            rss = pipeline.peak_rss_mb()
        finally:
            pipeline.close()
        results["pipeline"] = {**asdict(burst), "per_second": burst.per_second}
        results["latency"] = asdict(latency)
        results["peak_rss_mb"] = rss

        console.log("3/4 messaging only: three pass-through hops, one entry per read and batched; redis-benchmark XADD")
        single = run_messaging(Settings(redis_url=redis_url, read_batch=1), 20_000, out.parent / "logs")
        messaging = run_messaging(Settings(redis_url=redis_url), 20_000, out.parent / "logs")
        results["messaging_one_per_read"] = asdict(single)
        results["messaging"] = {**asdict(messaging), "hop_share_of_xadd": messaging.hop_share_of_xadd}

        if with_peers:
            console.log("4/4 peers, each in its own virtualenv")
            from .peers import run_peers

            results["peers"] = run_peers(corpus / "extraction-dev" / "html", 300, out.parent / ".venvs")
    finally:
        for server in started:
            server.stop()
    results["targets"] = targets(results)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print_results(results, console)
    return results


def targets(results: dict[str, Any]) -> list[tuple[str, bool | None, str]]:
    compute = results["compute"]["per_second"]
    pipeline = results["pipeline"]["per_second"]
    lines: list[tuple[str, bool | None, str]] = [
        ("pipeline >= 1.7x pure compute", pipeline >= 1.7 * compute, f"{pipeline / compute:.2f}x"),
        ("p99 ingest-to-stored < 1 s at 50% load", results["latency"]["p99_ms"] < 1000,
         f"{results['latency']['p99_ms']:.0f} ms"),
    ]  # fmt: skip
    share = results["messaging"]["hop_share_of_xadd"]
    lines.append(("messaging hop >= 25% of redis-benchmark XADD", None if share is None else share >= 0.25,
                  "no redis-benchmark" if share is None else f"{share:.0%}"))  # fmt: skip
    worst = max(results["peak_rss_mb"].values())
    lines.append((f"worker peak RSS < {RSS_LIMIT_MB} MB", worst < RSS_LIMIT_MB, f"{worst:.0f} MB"))
    # The peers extract (newspaper4k also keywords and a summary); they find no entities. So both:
    # our extraction alone (the parse core) and our whole path (parse + spaCy NER + database).
    parse_rate = 1000 / results["compute"]["per_stage_ms"]["parse"]
    for peer in results.get("peers", []):
        if peer.get("name") in ("newspaper4k", "news-please") and peer.get("articles_per_s"):
            for ours, label in ((parse_rate, "extraction"), (compute, "extraction + NER + store")):
                ratio = ours / peer["articles_per_s"]
                lines.append((f">= 3x faster than {peer['name']} ({label})", ratio >= 3, f"{ratio:.1f}x"))
    return lines


def print_results(results: dict[str, Any], console: Console) -> None:
    table = Table(title=f"newsflow bench: {results['articles']} articles, {results['cores']} cores")
    table.add_column("measure")
    table.add_column("result", justify="right")
    compute = results["compute"]
    table.add_row("pure compute, one process", f"{compute['per_second']:.1f} articles/s")
    for stage, ms in compute["per_stage_ms"].items():
        table.add_row(f"  {stage} core", f"{ms:.1f} ms/article")
    table.add_row("pipeline, worker processes", f"{results['pipeline']['per_second']:.1f} articles/s")
    latency = results["latency"]
    table.add_row(
        f"latency at {latency['rate']:.1f} articles/s (50%)",
        f"p50 {latency['p50_ms']:.0f} / p95 {latency['p95_ms']:.0f} / p99 {latency['p99_ms']:.0f} ms",
    )
    messaging = results["messaging"]
    if "messaging_one_per_read" in results:
        hops = ", ".join(f"{rate:,.0f}" for rate in results["messaging_one_per_read"]["hop_per_second"])
        table.add_row("messaging only, per hop, one entry per read", f"{hops} msg/s")
    hops = ", ".join(f"{rate:,.0f}" for rate in messaging["hop_per_second"])
    table.add_row(f"messaging only, per hop, batches of {Settings().read_batch}", f"{hops} msg/s")
    xadd = messaging["xadd_per_second"]
    table.add_row("redis-benchmark XADD", f"{xadd:,.0f} req/s" if xadd else "not available")
    for stage, mb in results["peak_rss_mb"].items():
        table.add_row(f"peak RSS {stage}", f"{mb:.0f} MB")
    for peer in results.get("peers", []):
        rate = peer.get("articles_per_s")
        table.add_row(f"peer {peer.get('name')}", f"{rate:.1f} articles/s" if rate else str(peer.get("error")))
    console.print(table)
    for name, ok, figure in results["targets"]:
        mark = "[green]PASS[/]" if ok else ("[yellow]N/A[/]" if ok is None else "[red]FAIL[/]")
        console.print(f"{mark} {name}: {figure}")


def run_soak(corpus: Path, minutes: float, out: Path, console: Console) -> dict[str, Any]:
    """At 50% of a measured burst rate for `minutes`: RSS and latency at the start and the end."""
    redis_url, postgres_url, started = servers(console)
    try:
        pipeline = Pipeline(bench_settings(redis_url, fresh_database(postgres_url)), out.parent / "logs")
        try:
            rate = pipeline.burst(bench_submissions(corpus, 300)).per_second / 2
            window = max(100, int(rate * 60))
            total = int(rate * minutes * 60)
            items = [dict(item, url=f"{item['url']}/soak") for item in bench_submissions(corpus, total)]
            start = (pipeline.open_loop(items[:window], rate), pipeline.rss_mb())
            middle = items[window:-window] if total > 2 * window else []
            if middle:
                pipeline.open_loop(middle, rate)
            end = (pipeline.open_loop(items[-window:], rate), pipeline.rss_mb())
        finally:
            pipeline.close()
    finally:
        for server in started:
            server.stop()
    result = {"minutes": minutes, "rate": rate, "start": [asdict(start[0]), start[1]], "end": [asdict(end[0]), end[1]]}
    for stage, mb in end[1].items():
        growth = mb / start[1][stage] - 1
        console.print(f"{'[green]PASS[/]' if growth <= 0.05 else '[red]FAIL[/]'} {stage} RSS growth: {growth:+.1%}")
    console.print(f"latency p99 start {start[0].p99_ms:.0f} ms, end {end[0].p99_ms:.0f} ms at {rate:.1f} articles/s")
    out.write_text(json.dumps(result, indent=2))
    return result


def run_scaling_table(corpus: Path, articles: int, out: Path, console: Console) -> list[Any]:
    """`newsflow bench --scaling`: the replica layouts of bench/scaling.py, one burst each."""
    from .scaling import run_scaling

    redis_url, postgres_url, started = servers(console)
    try:
        console.log(f"{articles} articles through each replica layout")
        results = run_scaling(redis_url, postgres_url, bench_submissions(corpus, articles), out.parent / "logs")
    finally:
        for server in started:
            server.stop()
    table = Table(title=f"Replicas vs throughput: {articles} articles, {os.cpu_count()} cores")
    for column in ("parse", "enrich", "store", "articles/s", "per replica (parse | enrich | store)"):
        table.add_column(column, justify="right")
    for row in results:
        spread = " | ".join("/".join(map(str, row.per_replica.get(s, []))) for s in ("parse", "enrich", "store"))
        table.add_row(*(str(row.replicas[s]) for s in ("parse", "enrich", "store")), f"{row.per_second:.1f}", spread)
    console.print(table)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps([asdict(row) for row in results], indent=2))
    return results


def run_store_scaling_table(corpus: Path, articles: int, out: Path, console: Console) -> list[Any]:
    """`newsflow bench --store-scaling`: see bench/store_scaling.py."""
    from .store_scaling import distinct_articles, enriched, run_store_scaling

    redis_url, postgres_url, started = servers(console)
    try:
        raws = distinct_articles(corpus, articles)
        console.log(f"parse + enrich of {len(raws)} distinct articles, once")
        messages = enriched(raws, Settings().spacy_model)
        console.log(f"{len(messages)} enriched articles replayed to 1, 2 and 4 store replicas")
        results = run_store_scaling(redis_url, postgres_url, messages, out.parent / "logs")
    finally:
        for server in started:
            server.stop()
    table = Table(title=f"Store replicas vs throughput (PostgreSQL): {len(messages)} articles, {os.cpu_count()} cores")
    columns = ("store replicas", "articles/s", "ms/article", "stories", "no story", "miscounted", "copy elsewhere")
    for column in columns:
        table.add_column(column, justify="right")
    for row in results:
        table.add_row(
            str(row.replicas),
            f"{row.per_second:.1f}",
            f"{1000 / row.per_second:.1f}" if row.per_second else "-",
            *(str(v) for v in (row.stories, row.unplaced, row.miscounted, row.copies_elsewhere)),
        )
    console.print(table)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps([{**asdict(row), "per_second": row.per_second} for row in results], indent=2))
    return results
