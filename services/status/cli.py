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
    minute; the DLQ size."""
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
    return Group(stages, footer)
