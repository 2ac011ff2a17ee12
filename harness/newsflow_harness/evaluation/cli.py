"""`newsflow eval ...`: quality measurements printed as one table (and as JSON for scripts)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from newsflow_harness.corpus import CORPUS

from .shingles import f1_score

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from .duplicates import Counts

eval_app = typer.Typer(help="Measure extraction, near-duplicate and story quality on the corpus.", no_args_is_help=True)

DEFAULT_CORPUS = CORPUS / "extraction-dev"
DEFAULT_SEEDS = CORPUS / "seeds"
DEFAULT_EVENTS = CORPUS / "stories-dev" / "ecbplus-dev.jsonl"


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
        lowest = sorted(ours.pages.items(), key=lambda item: f1_score(item[1].precision, item[1].recall))[:worst]
        for page_id, score in lowest:
            console.print(f"{page_id[:16]}  P {score.precision:.3f}  R {score.recall:.3f}")


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


@eval_app.command("sets")
def sets(
    corpus: Annotated[
        Path, typer.Option(help="The folder holding the dev sets (extraction-dev, fundus-dev, ...).", file_okay=False)
    ] = CORPUS,
    only: Annotated[
        list[str] | None, typer.Option("--set", help="Only these sets (extraction-dev, fundus-dev, readability-dev).")
    ] = None,
    extractors: Annotated[
        list[str] | None, typer.Option("--extractor", help="Run only these (newsflow, trafilatura, htmldate).")
    ] = None,
    errors: Annotated[int, typer.Option(help="List up to N wrong values per field (newsflow's).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Every dev set on its own: body F1, title, authors and date accuracy and ms/page, newsflow next to plain
    trafilatura (and htmldate's extensive date search) run in the same process on the same pages.

    Conventions (what an author is, how dates and titles compare): newsflow_harness/evaluation/fields.py.
    """
    from .devsets import SETS, load_set
    from .quality import EXTRACTORS, FIELDS, run_set

    names = only or list(SETS)
    chosen = extractors or list(EXTRACTORS)
    for value, known, hint in ((names, SETS, "--set"), (chosen, EXTRACTORS, "--extractor")):
        if unknown := set(value) - set(known):
            raise typer.BadParameter(f"unknown: {', '.join(sorted(unknown))}", param_hint=hint)
    console = Console(stderr=as_json, width=max(Console().width, 120))
    out: dict[str, dict[str, dict[str, float | None]]] = {}
    for set_name in names:
        with console.status(f"Loading {set_name}..."):
            pages = load_set(set_name, corpus)
        runs = []
        for name in chosen:
            with console.status(f"{set_name}: {name} on {len(pages)} pages..."):
                runs.append(run_set(set_name, name, pages))
        out[set_name] = {run.extractor: {**run.figures(), "ms_per_page": run.ms_per_page} for run in runs}
        if as_json:
            continue
        table = Table(title=f"{set_name}: {len(pages)} pages")
        for column in ("extractor", "body F1", "precision", "recall", *FIELDS, "ms/page"):
            table.add_column(column, justify="left" if column == "extractor" else "right", no_wrap=True)
        for run in runs:
            b = run.body
            body = [f"{b.f1:.4f}", f"{b.precision:.4f}", f"{b.recall:.4f}"] if b else ["", "", ""]
            cells = [
                f"{s.correct}/{s.scored} {s.accuracy:.1%}" if (s := run.fields.get(name)) else "" for name in FIELDS
            ]
            table.add_row(run.extractor, *body, *cells, f"{run.ms_per_page:.1f}")
        console.print(table)
        ours = next((run for run in runs if run.extractor == "newsflow"), None)
        if errors and ours:
            for field_name, score in ours.fields.items():
                for page, expected, got in score.wrong[:errors]:
                    line = f"[yellow]{field_name}[/] {page}: expected {expected!r}, got {got!r}"
                    console.print(line, highlight=False)
    if as_json:
        typer.echo(json.dumps(out))


@eval_app.command("duplicates")
def duplicates(
    corpus: Annotated[
        Path, typer.Option(help="Folder with ground-truth.json and html/<id>.html.gz.", exists=True, file_okay=False)
    ] = DEFAULT_CORPUS,
    seeds: Annotated[Path, typer.Option(help="Folder of the seed wires (*.txt).", file_okay=False)] = DEFAULT_SEEDS,
    as_json: Annotated[bool, typer.Option("--json", help="Print the sweep as JSON.")] = False,
) -> None:
    """Precision and recall of the store's near-duplicate decision on pairs made from the dev pages."""
    from services.store.duplicates import THRESHOLD

    from .duplicates import (
        NEGATIVE_KINDS,
        POSITIVE_KINDS,
        SIMHASH_SWEEP,
        SWEEP,
        build_pairs,
        counts,
        load_dev_pages,
        score_pairs,
        seed_texts,
        simhash_counts,
    )

    console = Console(stderr=as_json)
    with console.status(f"Extracting {corpus} with newsflow and trafilatura..."):
        pages = load_dev_pages(corpus)
    with console.status("Building and scoring pairs..."):
        scored = score_pairs(build_pairs(pages, seed_texts(seeds) if seeds.is_dir() else []))
    sweep = [counts(scored, t) for t in SWEEP]
    simhash_sweep = [simhash_counts(scored, d) for d in SIMHASH_SWEEP]
    if as_json:
        rows = [{"threshold": c.threshold, "precision": c.precision, "recall": c.recall, "f1": c.f1} for c in sweep]
        typer.echo(json.dumps({"threshold": THRESHOLD, "pairs": len(scored), "sweep": rows}))
        return
    positives = sum(s.pair.duplicate for s in scored)
    table = Table(
        title=f"Near-duplicates: {positives} copies, {len(scored) - positives} distinct pairs ({len(pages)} pages)",
        caption="duplicate = shares a MinHash band and resemblance >= threshold",
    )
    for column in ("threshold", "TP", "FP", "FN", "precision", "recall", "F1"):
        table.add_column(column, justify="right")
    for c in sweep:
        chosen = c.threshold == THRESHOLD
        label = f"{c.threshold:.2f}{' (used)' if chosen else ''}"
        table.add_row(label, *_counts_cells(c), style="bold" if chosen else None)
    console.print(table)
    kinds = Table(title=f"By kind of pair, at threshold {THRESHOLD}")
    for column in ("kind", "copy", "pairs", "right", "LSH", "resemblance"):
        kinds.add_column(column, justify="left" if column == "kind" else "right")
    for kind in POSITIVE_KINDS + NEGATIVE_KINDS:
        of_kind = [s for s in scored if s.pair.kind == kind]
        if not of_kind:
            continue
        values = [s.resemblance for s in of_kind]
        kinds.add_row(
            kind,
            "yes" if of_kind[0].pair.duplicate else "no",
            str(len(of_kind)),
            str(sum(s.decided() == s.pair.duplicate for s in of_kind)),
            str(sum(s.candidate for s in of_kind)),
            f"{min(values):.3f}-{max(values):.3f}",
        )
    console.print(kinds)
    simhashes = Table(title="For comparison: SimHash alone", caption="duplicate = at most N of 64 bits differ")
    for column in ("N", "TP", "FP", "FN", "precision", "recall", "F1"):
        simhashes.add_column(column, justify="right")
    for c in simhash_sweep:
        simhashes.add_row(str(int(c.threshold)), *_counts_cells(c))
    console.print(simhashes)


def _counts_cells(c: Counts) -> list[str]:
    return [str(c.tp), str(c.fp), str(c.fn), f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}"]


@eval_app.command("stories")
def stories(
    corpus: Annotated[
        Path, typer.Option(help="Folder with ground-truth.json and html/<id>.html.gz.", exists=True, file_okay=False)
    ] = DEFAULT_CORPUS,
    seeds: Annotated[Path, typer.Option(help="Folder of the seed wires (*.txt).", file_okay=False)] = DEFAULT_SEEDS,
    events: Annotated[
        Path, typer.Option(help="stories-dev's ecbplus-dev.jsonl (id, topic, event, text).", dir_okay=False)
    ] = DEFAULT_EVENTS,
    as_json: Annotated[bool, typer.Option("--json", help="Print the sweep as JSON.")] = False,
    layout_seeds: Annotated[
        int,
        typer.Option(
            min=1,
            help="Run stories-dev's layouts with this many seeds (up to 5) at the chosen thresholds and report "
            "the spread of B-cubed F1; 1: the first seed only (faster).",
        ),
    ] = 5,
) -> None:
    """Story clustering through the real store: the seeds and dev pages against hand-labelled stories, and
    stories-dev's events (B-cubed, pairwise) next to a TF-IDF single-pass peer."""
    from services.common.settings import Settings
    from services.enrich.model import load_nlp
    from services.store.stories import THRESHOLD

    from .stories import SWEEP, at_one_moment, cluster, corpus_articles, judge, load_labels, pair_scores

    console = Console(stderr=as_json)
    labels = load_labels()
    model = Settings().spacy_model
    nlp = load_nlp(model)
    with console.status(f"Parsing and enriching {seeds} and {corpus}..."):
        articles = corpus_articles(corpus, seeds, nlp, model)
    report, spreads = _story_events(console, events, nlp, model, layout_seeds) if events.exists() else (None, [])
    runs = {"dated": articles, "1 window": at_one_moment(articles)}
    outcomes = {}
    for mode, inputs in runs.items():
        with console.status(f"Storing {len(inputs)} articles {len(SWEEP)} times ({mode})..."):
            outcomes[mode] = [judge(cluster(inputs, t), labels, t) for t in SWEEP]
    if as_json:
        out = {
            mode: [
                {
                    "threshold": o.threshold,
                    "seeds_together": o.seeds_together,
                    "joined": len(o.joined),
                    "labelled": len(o.joined) + len(o.missed),
                    "false_merges": len(o.false_merges),
                    "stories": len(o.stories),
                }
                for o in results
            ]
            for mode, results in outcomes.items()
        }
        events_out = (
            [asdict(r) | {"bcubed_f1": r.bcubed.f1, "pairwise_f1": r.pairwise.f1} for r in report.table]
            if report
            else None
        )
        seeds_out = [asdict(s) | {"mean": s.mean} for s in spreads]
        typer.echo(
            json.dumps(
                {
                    "threshold": THRESHOLD,
                    "articles": len(articles),
                    "runs": out,
                    "events": events_out,
                    "events_over_seeds": seeds_out,
                }
            )
        )
        return
    labelled = len(labels.pairs(labels.same_story))
    sweep = Table(
        title=f"Stories of {len(articles)} articles (seeds + dev pages)",
        caption=f"* used. joined: of {labelled} hand-labelled same-story pairs; false: pairs merged that the labels "
        "keep apart (articles in them); 1 window: every article given one date",
    )
    for column in ("threshold", "run", "seeds", "joined", "false", "stories"):
        sweep.add_column(column, justify="left" if column == "run" else "right")
    for mode, results in outcomes.items():
        for o in results:
            chosen = o.threshold == THRESHOLD
            sweep.add_row(
                f"{o.threshold:.2f}{' *' if chosen else ''}",
                mode,
                "together" if o.seeds_together else "APART",
                f"{len(o.joined)}/{labelled}",
                f"{len(o.false_merges)} ({o.wrongly_merged_articles})",
                str(len(o.stories)),
                style="bold" if chosen else None,
            )
    console.print(sweep)
    used = next(o for o in outcomes["dated"] if o.threshold == THRESHOLD)
    scores = pair_scores(articles, labels)
    pairs = Table(
        title="Labelled same-story pairs", caption=f"score: the later article against the earlier; joins at {THRESHOLD}"
    )
    for column in ("story", "score", "joined"):
        pairs.add_column(column, justify="left" if column == "story" else "right")
    for name, keys in labels.same_story.items():
        for pair in labels.pairs({name: keys}):
            pairs.add_row(name[:56], f"{scores.get(pair, 0.0):.2f}", "yes" if pair in used.joined else "no")
    console.print(pairs)
    multi = Table(title=f"Stories of more than one article at {THRESHOLD}, dated")
    multi.add_column("labels say")
    multi.add_column("articles")
    for keys in used.multi.values():
        titles = [(articles[key].title or articles[key].body[:60]).strip()[:60] for key in keys]
        multi.add_row(used.verdict(keys, labels), "\n".join(titles))
    console.print(multi)
    if report is not None:
        _print_story_events(console, report)
        _print_spreads(console, spreads)
    else:
        console.print(f"[yellow]no {events}: stories-dev not measured[/yellow]")


if TYPE_CHECKING:
    from spacy.language import Language

    from .story_events import Report, Result, Spread


def _story_events(
    console: Console, path: Path, nlp: Language, model: str, layout_seeds: int
) -> tuple[Report, list[Spread]]:
    """stories-dev through parse, enrich (once) and the store, both layouts, newsflow and the peer; with
    more than one layout seed, the product and the peer again on every seed at their chosen thresholds."""
    from services.store.merging import THRESHOLD as MERGE_THRESHOLD
    from services.store.stories import THRESHOLD

    from .story_events import (
        LAYOUT_SEEDS,
        MERGE_SWEEP,
        PEER_SWEEP,
        STORE_SWEEP,
        enriched,
        evaluate,
        load_events,
        over_seeds,
        peer_clusters,
        store_clusters,
    )

    labelled, texts = load_events(path)
    with console.status(f"Parsing and enriching {len(texts)} articles of {path.name}..."):
        articles = enriched(texts, nlp, model)
    bodies = {article_id: article.body for article_id, article in articles.items()}

    def product(timeline: Sequence[tuple[str, datetime]], threshold: float) -> dict[str, str]:
        return store_clusters(articles, timeline, THRESHOLD, merge_threshold=threshold)

    def peer(timeline: Sequence[tuple[str, datetime]], threshold: float) -> dict[str, str]:
        return peer_clusters(bodies, timeline, threshold)

    with console.status(
        f"Clustering {len(articles)} articles: "
        f"{len(STORE_SWEEP) + len(MERGE_SWEEP) + len(PEER_SWEEP)} thresholds x 2 layouts..."
    ):
        # "+ merge pass": placement at its THRESHOLD, the sweep and the threshold are the merge pass's.
        report = evaluate(
            labelled,
            {
                "newsflow": (lambda timeline, t: store_clusters(articles, timeline, t), STORE_SWEEP),
                "newsflow + merge pass": (product, MERGE_SWEEP),
                "tf-idf single pass": (peer, PEER_SWEEP),
            },
            fixed={"newsflow": THRESHOLD, "newsflow + merge pass": MERGE_THRESHOLD},
        )
    seeds = LAYOUT_SEEDS[:layout_seeds]
    if len(seeds) < 2:
        return report, []
    with console.status(f"Clustering both halves and layouts again with {len(seeds)} layout seeds..."):
        chosen = {system: report.chosen[system] for system in ("newsflow + merge pass", "tf-idf single pass")}
        runs = {"newsflow + merge pass": (product, chosen["newsflow + merge pass"])}
        runs["tf-idf single pass"] = (peer, chosen["tf-idf single pass"])
        return report, over_seeds(labelled, runs, seeds)


def _score_cells(r: Result) -> list[str]:
    b, p = r.bcubed, r.pairwise
    return [
        f"{b.precision:.3f}",
        f"{b.recall:.3f}",
        f"{b.f1:.3f}",
        f"{p.precision:.3f}",
        f"{p.recall:.3f}",
        f"{p.f1:.3f}",
    ]


def _print_story_events(console: Console, report: Report) -> None:
    columns = ("B3 P", "B3 R", "B3 F1", "pair P", "pair R", "pair F1", "alone", "stories")
    sweep = Table(
        title="stories-dev, dev half (odd topics): threshold sweep",
        caption="* the threshold each system runs at (newsflow: its THRESHOLD; + merge pass: merging.THRESHOLD, "
        "the lowest with no false merge on the labelled dev pages; the peer: best mean dev B-cubed F1). "
        "alone: share of articles alone in their story",
    )
    for column in ("system", "threshold", "layout", *columns):
        sweep.add_column(column, justify="left" if column in ("system", "layout") else "right")
    for r in report.sweep:
        chosen = report.chosen[r.system] == r.threshold
        sweep.add_row(
            r.system,
            f"{r.threshold:.2f}{' *' if chosen else ''}",
            r.layout,
            *_score_cells(r),
            f"{r.singletons:.0%}",
            str(r.clusters),
            style="bold" if chosen else None,
        )
    console.print(sweep)
    table = Table(
        title="stories-dev events: B-cubed and pairwise, each half next to the peer in the same run",
        caption="dev: odd topics (thresholds chosen there); check: even topics, never tuned on. "
        "one date: every article at one date; stream: events over 60 days, articles within 3 days of theirs",
    )
    for column in ("layout", "half", "system", "threshold", *columns):
        table.add_column(column, justify="left" if column in ("layout", "half", "system") else "right")
    for r in sorted(report.table, key=lambda r: (r.layout, r.half != "dev", not r.system.startswith("newsflow"))):
        table.add_row(
            r.layout, r.half, r.system, f"{r.threshold:.2f}", *_score_cells(r), f"{r.singletons:.0%}", str(r.clusters)
        )
    console.print(table)


def _print_spreads(console: Console, spreads: list[Spread]) -> None:
    if not spreads:
        return
    seeds = len(spreads[0].f1s)
    table = Table(
        title=f"stories-dev events: B-cubed F1 over {seeds} layout seeds, each system at its chosen threshold",
        caption="The first seed is the run above. One date: another order of arrival per seed; stream: other "
        "event days and arrival times.",
    )
    for column in ("layout", "half", "system", "threshold", "mean", "min", "max", "per seed"):
        table.add_column(column, justify="left" if column in ("layout", "half", "system", "per seed") else "right")
    for s in sorted(spreads, key=lambda s: (s.layout, s.half != "dev", not s.system.startswith("newsflow"))):
        table.add_row(
            s.layout,
            s.half,
            s.system,
            f"{s.threshold:.2f}",
            f"{s.mean:.3f}",
            f"{min(s.f1s):.3f}",
            f"{max(s.f1s):.3f}",
            " ".join(f"{f:.3f}" for f in s.f1s),
        )
    console.print(table)


@eval_app.command("enrichment")
def enrichment(
    seeds: Annotated[
        Path, typer.Option(help="Folder with the seed wires the gold file describes.", exists=True, file_okay=False)
    ] = DEFAULT_SEEDS,
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


@eval_app.command("entities")
def entities(
    corpus: Annotated[
        Path, typer.Option(help="Folder with eng.train.gz and eng.testa.gz.", exists=True, file_okay=False)
    ] = CORPUS / "ner-dev",
    split: Annotated[
        list[str] | None, typer.Option(help="train (development half) and/or testa (check half); both by default.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N documents of each split.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Exact span+type F1 over PER/ORG/LOC on CoNLL-2003 (MISC and NORP ignored): newsflow's enrich core vs
    the plain spaCy model it loads, in the same run, each split on its own."""
    from services.common.settings import get_settings
    from services.enrich.core import enrich_many
    from services.enrich.model import load_nlp

    from .entities import (
        SCORED_TYPES,
        SPLIT_ROLES,
        SPLITS,
        NerDocument,
        Span,
        article_for,
        load_split,
        newsflow_spans,
        run_systems,
        spacy_spans,
    )

    splits = split or list(SPLITS)
    if unknown := set(splits) - set(SPLITS):
        raise typer.BadParameter(f"unknown: {', '.join(sorted(unknown))}", param_hint="--split")
    model = get_settings().spacy_model
    nlp = load_nlp(model)

    def newsflow(documents: list[NerDocument]) -> list[set[Span]]:
        return [newsflow_spans(a) for a in enrich_many([article_for(d) for d in documents], nlp, model)]

    def plain_spacy(documents: list[NerDocument]) -> list[set[Span]]:
        docs = nlp.pipe([d.text for d in documents], batch_size=8)
        return [spacy_spans((e.start_char, e.end_char, e.label_) for e in doc.ents) for doc in docs]

    console = Console(stderr=as_json, width=max(Console().width, 150))
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name in splits:
        documents = load_split(corpus, name, limit)
        with console.status(f"{name}: {len(documents)} documents..."):
            runs = run_systems(documents, {"newsflow": newsflow, f"spaCy {model}": plain_spacy})
        out[name] = {}
        table = Table(title=f"Entities, eng.{name} ({SPLIT_ROLES[name]} half): {len(documents)} documents")
        for column in ("system", "micro P", "micro R", "micro F1", *(f"{t} P/R/F1" for t in SCORED_TYPES), "ms/doc"):
            table.add_column(column, justify="left" if column == "system" else "right")
        for run in runs:
            micro = run.score.micro
            out[name][run.system] = {
                "precision": micro.precision,
                "recall": micro.recall,
                "f1": micro.f1,
                **{
                    f"{t}_{m}": getattr(c, m) for t, c in run.score.types.items() for m in ("precision", "recall", "f1")
                },
                "ms_per_doc": run.ms_per_doc,
            }
            per_type = [f"{c.precision:.3f}/{c.recall:.3f}/{c.f1:.3f}" for c in run.score.types.values()]
            table.add_row(
                run.system,
                f"{micro.precision:.3f}",
                f"{micro.recall:.3f}",
                f"{micro.f1:.3f}",
                *per_type,
                f"{run.ms_per_doc:.1f}",
            )
        if not as_json:
            console.print(table)
    if as_json:
        typer.echo(json.dumps(out))


@eval_app.command("quotes")
def quotes(
    corpus: Annotated[
        Path, typer.Option(help="PolNeAR's train split: text/ and attributions/.", exists=True, file_okay=False)
    ] = CORPUS / "quotes-dev",
    half: Annotated[
        list[str] | None, typer.Option(help="even (development half) and/or odd (check half); both by default.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N articles of each half.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Quote detection P/R (recall by direct/mixed/indirect), speaker accuracy and (quote, speaker) pair F1 on
    PolNeAR: newsflow's enrich core vs quotation-mark regex + nearest spaCy PERSON, in the same run."""
    from newsflow_schemas import ParsedArticle
    from services.common.settings import get_settings
    from services.enrich.core import enrich_many
    from services.enrich.model import load_nlp

    from .quotes import KINDS, FoundQuote, QuoteScore, QuotesDocument, halves, load_quotes, newsflow_quotes
    from .quotes import regex_quotes as regex_peer
    from .quotes import score_document as score_quotes

    model = get_settings().spacy_model
    nlp = load_nlp(model)
    split = halves(load_quotes(corpus))
    chosen = half or list(split)
    if unknown := set(chosen) - set(split):
        raise typer.BadParameter(f"unknown: {', '.join(sorted(unknown))}", param_hint="--half")

    def newsflow(documents: list[QuotesDocument]) -> list[list[FoundQuote]]:
        articles = [ParsedArticle(article_id=d.name, trace_id="eval", body=d.text) for d in documents]
        return [newsflow_quotes(a) for a in enrich_many(articles, nlp, model)]

    def peer(documents: list[QuotesDocument]) -> list[list[FoundQuote]]:
        docs = nlp.pipe([d.text for d in documents], batch_size=8)
        return [
            regex_peer(d.text, [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"])
            for d, doc in zip(documents, docs, strict=True)
        ]

    console = Console(stderr=as_json, width=max(Console().width, 140))
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name in chosen:
        documents = split[name][:limit] if limit else split[name]
        table = Table(title=f"Quotes, {name} half of quotes-dev: {len(documents)} articles")
        columns = ("system", "found", "gold", "P", "R", *(f"R {k}" for k in KINDS), "speaker acc", "pair P/R/F1")
        for column in columns:
            table.add_column(column, justify="left" if column == "system" else "right")
        out[name] = {}
        for system, run in (("newsflow", newsflow), ("regex + nearest PERSON", peer)):
            with console.status(f"{name}: {system} on {len(documents)} articles..."):
                score = QuoteScore()
                for document, found in zip(documents, run(documents), strict=True):
                    score_quotes(score, document, found)
            out[name][system] = {
                "found": score.found,
                "gold": score.gold,
                "precision": score.precision,
                "recall": score.recall,
                **{f"recall_{k}": score.recall_of(k) for k in KINDS},
                **{f"gold_{k}": score.gold_by_kind[k] for k in KINDS},
                "speaker_accuracy": score.speaker_accuracy,
                "pair_precision": score.pair_precision,
                "pair_recall": score.pair_recall,
                "pair_f1": score.pair_f1,
            }
            table.add_row(
                system,
                str(score.found),
                str(score.gold),
                f"{score.precision:.3f}",
                f"{score.recall:.3f}",
                *(f"{score.recall_of(k):.3f} ({score.gold_by_kind[k]})" for k in KINDS),
                f"{score.speaker_accuracy:.3f}",
                f"{score.pair_precision:.3f}/{score.pair_recall:.3f}/{score.pair_f1:.3f}",
            )
        if not as_json:
            console.print(table)
    if as_json:
        typer.echo(json.dumps(out))
