"""`newsflow status`: the numbers an operator looks at first, as a table, JSON, or refreshed."""

from __future__ import annotations

import json
import time
from typing import Annotated

import redis
import typer
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from services.common.connection import sync_client
from services.common.settings import RedisSettings

from .core import Consumer, Status, pipeline_status


def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
    watch: Annotated[float, typer.Option(help="Refresh every this many seconds (0: print once).")] = 0,
) -> None:
    """Per stage: stream length, pending, backlog, consumers and their idle time, done in the last
    minute; the DLQ size; downstream groups (subscribers): pending, lag, idle time, and whether they are
    stale (idle past NEWSFLOW_STALE_GROUP_S: no longer holding back trimming)."""
    settings = RedisSettings()
    try:
        client = sync_client(settings)
        if as_json:
            typer.echo(json.dumps(pipeline_status(client, settings).as_dict()))
            return
        if not watch:
            Console().print(render(pipeline_status(client, settings)))
            return
        with Live(render(pipeline_status(client, settings)), refresh_per_second=1) as live:
            while True:
                time.sleep(watch)
                live.update(render(pipeline_status(client, settings)))
    except (redis.ConnectionError, redis.exceptions.RedisClusterException) as exc:
        Console(stderr=True).print(f"Redis at {settings.redis_url} does not answer: {exc}")
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        pass


def _consumers(consumers: list[Consumer]) -> str:
    """The active ones (idle under a minute) by name; the rest as a count."""
    active = sorted((c for c in consumers if c.idle_s < 60), key=lambda c: c.idle_s)
    named = [f"{c.name} ({c.pending} pending, idle {c.idle_s:.0f}s)" for c in active[:4]]
    if idle := len(consumers) - len(named):
        named.append(f"+{idle} idle over 1 min")
    return "\n".join(named) or "-"


def render(state: Status) -> Group:
    stages = Table("stage", "input stream", "length", "pending", "backlog", "done/min", "consumers",
                   title="newsflow status")  # fmt: skip
    for s in state.stages:
        consumers = _consumers(s.consumers)
        backlog = "no group" if s.backlog is None else str(s.backlog)
        stream = s.stream if s.partitions == 1 else f"{s.stream} ({s.partitions} partitions)"
        stages.add_row(s.stage, stream, str(s.length), str(s.pending), backlog, str(s.done_last_minute), consumers)
    footer = Table.grid()
    footer.add_row(f"dead letters: {state.dlq}    stored in the last minute: {state.stored_last_minute}")
    if not state.downstream:
        return Group(stages, footer)
    groups = Table("group", "stream", "pending", "lag", "idle", "consumers", "", title="downstream groups")
    for g in state.downstream:
        idle = "never read" if g.idle_s is None else _duration(g.idle_s)
        lag = "?" if g.lag is None else str(g.lag)
        mark = "[yellow]stale: not holding back trimming[/]" if g.stale else ""
        groups.add_row(g.group, g.stream, str(g.pending), lag, idle, str(g.consumers), mark)
    return Group(stages, footer, groups)


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86_400), ("h", 3_600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"
