"""`newsflow eval ...`: quality measurements printed as one table (and as JSON for scripts)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

eval_app = typer.Typer(help="Measure extraction quality on a benchmark folder.", no_args_is_help=True)

DEFAULT_CORPUS = Path("../shared/corpus/extraction-dev")


@eval_app.command("extraction")
def extraction(
    corpus: Annotated[
        Path, typer.Option(help="Folder with ground-truth.json and html/<id>.html.gz.", exists=True, file_okay=False)
    ] = DEFAULT_CORPUS,
    only: Annotated[list[str] | None, typer.Option(help="Run only these extractors (newsflow, trafilatura).")] = None,
    worst: Annotated[int, typer.Option(help="Also list our N lowest-F1 pages.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Body F1 (token 4-gram shingles), precision, recall, exact matches and ms per page, ours vs trafilatura."""
    from .extraction import EXTRACTORS, evaluate, load_pages

    names = only or list(EXTRACTORS)
    unknown = set(names) - set(EXTRACTORS)
    if unknown:
        raise typer.BadParameter(f"unknown extractor(s): {', '.join(sorted(unknown))}", param_hint="--only")
    console = Console(stderr=as_json)
    with console.status(f"Loading {corpus}..."):
        pages = load_pages(corpus)
    runs = []
    for name in names:
        with console.status(f"{name}: extracting {len(pages)} pages..."):
            runs.append(evaluate(name, EXTRACTORS[name], pages))
    if as_json:
        typer.echo(json.dumps([{"name": r.name, **asdict(r.summary), "ms_per_page": r.ms_per_page} for r in runs]))
        return
    table = Table(title=f"Body extraction on {len(pages)} pages of {corpus}")
    for column in ("extractor", "F1", "precision", "recall", "exact", "ms/page"):
        table.add_column(column, justify="left" if column == "extractor" else "right")
    for run in runs:
        s = run.summary
        table.add_row(
            run.name, f"{s.f1:.4f}", f"{s.precision:.4f}", f"{s.recall:.4f}", f"{s.exact:.1%}", f"{run.ms_per_page:.1f}"
        )
    console.print(table)
    if worst:
        ours = runs[0]
        lowest = sorted(ours.pages.items(), key=lambda item: _f1(item[1].precision, item[1].recall))[:worst]
        for page_id, score in lowest:
            console.print(f"{page_id[:16]}  P {score.precision:.3f}  R {score.recall:.3f}")


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@eval_app.command("metadata")
def metadata(
    corpus: Annotated[
        Path, typer.Option(help="Folder with ground-truth.json and html/<id>.html.gz.", exists=True, file_okay=False)
    ] = DEFAULT_CORPUS,
    errors: Annotated[bool, typer.Option("--errors", help="List every wrong value.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the accuracies as JSON.")] = False,
) -> None:
    """Title, authors and publication-date accuracy on the hand-annotated dev pages."""
    from .metadata import evaluate_metadata, load_annotations

    annotations = load_annotations()
    console = Console(stderr=as_json)
    with console.status(f"Parsing {len(annotations)} annotated pages..."):
        results = evaluate_metadata(corpus, annotations)
    if as_json:
        out = {group: {name: r.accuracy for name, r in fields.items()} for group, fields in results.items()}
        typer.echo(json.dumps(out))
        return
    table = Table(title=f"Metadata on {len(annotations)} hand-annotated dev pages")
    table.add_column("field")
    for group in results:
        table.add_column(group, justify="right")
    for name in results["tuned"]:
        cells = [
            f"{f[name].correct}/{f[name].correct + len(f[name].wrong)}  {f[name].accuracy:.1%}"
            for f in results.values()
        ]
        table.add_row(name, *cells)
    console.print(table)
    if errors:
        for group, fields in results.items():
            for name, result in fields.items():
                for page, expected, got in result.wrong:
                    console.print(
                        f"[yellow]{group} {name}[/] {page}: expected {expected!r}, got {got!r}", highlight=False
                    )


@eval_app.command("enrichment")
def enrichment(
    seeds: Annotated[
        Path, typer.Option(help="Folder with the seed wires the gold file describes.", exists=True, file_okay=False)
    ] = Path("../shared/corpus/seeds"),
    details: Annotated[bool, typer.Option(help="List every miss and every extra.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Entities, roles and quotes of the seeds vs the hand-made gold file: precision and recall per kind."""
    from services.common.settings import get_settings
    from services.enrich.core import enrich
    from services.enrich.model import load_nlp

    from .enrichment import GOLD, enrich_seeds, score

    model = get_settings().spacy_model
    nlp = load_nlp(model)
    scores = score(enrich_seeds(seeds, lambda parsed: enrich(parsed, nlp, model)))
    if as_json:
        rows = [
            {"kind": s.kind, "precision": s.precision, "recall": s.recall, "gold": s.gold, "found": s.found}
            for s in scores.values()
        ]
        typer.echo(json.dumps(rows))
        return
    console = Console()
    table = Table(title=f"Enrichment of the seeds vs {GOLD.name}")
    for column in ("kind", "gold", "found", "precision", "recall"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for s in scores.values():
        table.add_row(s.kind, str(s.gold), str(s.found), f"{s.precision:.3f}", f"{s.recall:.3f}")
    console.print(table)
    for s in scores.values():
        if details or s.misses or s.extras:
            for miss in s.misses:
                console.print(f"  {s.kind} missed: {miss}")
            for extra in s.extras:
                console.print(f"  {s.kind} extra:  {extra}")
