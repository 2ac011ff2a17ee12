"""How the `newsflow` commands print an article for a person (or as one JSON line for a script)."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console

SHOWN = (
    *("title", "story_id", "duplicate_of", "url", "authors", "published_at"),
    *("language", "dateline", "agency", "reference", "license"),
)


def with_dateline(data: dict[str, Any]) -> dict[str, Any]:
    """`dateline` is always an object in JSON output, so readers need not test for null."""
    data["dateline"] = data.get("dateline") or {"city": None, "date": None}
    return data


def show_article(label: str, data: dict[str, Any], as_json: bool) -> None:
    """An article's document: one JSON line (with `path` = label), or its main fields and body's start."""
    if as_json:
        typer.echo(json.dumps({"path": label, **data}, ensure_ascii=False))
        return
    console = Console()
    console.rule(label)
    for key in SHOWN:
        if data.get(key):
            console.print(f"[bold]{key}[/]: {data[key]}")
    if data.get("entities"):
        console.print("[bold]entities[/]: " + ", ".join(f"{e['name']} ({e['type']})" for e in data["entities"][:20]))
    console.print(data["body"][:600])
