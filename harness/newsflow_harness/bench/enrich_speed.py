"""Enrich-core throughput on the dev pages, next to the plain spaCy pipeline it started from.

Run: `python -m newsflow_harness.bench.enrich_speed [--rounds N]` (or `make bench-enrich`). Prints articles per
second for: the model's whole pipeline (every component, one text at a time, then through
`nlp.pipe`), and our enrich core (NER only plus roles, quotes, figures, keywords, topics, places,
tone), one article at a time and batched with `enrich_many`. Not a test: the figures are this machine's.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import spacy

from newsflow_harness.corpus import CORPUS
from newsflow_schemas import ParsedArticle
from services.common.settings import get_settings
from services.enrich.core import NLP_BATCH, enrich, enrich_many
from services.enrich.model import load_nlp
from services.parse.core import parse


def dev_articles(corpus: Path) -> list[ParsedArticle]:
    """The dev pages' true bodies and titles, and the seed wires through the parse core."""
    truth = json.loads((corpus / "extraction-dev" / "ground-truth.json").read_text())
    articles = [
        ParsedArticle(article_id=page_id, trace_id="bench", body=page["articleBody"], title=page.get("title"))
        for page_id, page in truth.items()
    ]
    from newsflow_schemas import RawArticle

    for path in sorted((corpus / "seeds").glob("*.txt")):
        raw = RawArticle(article_id=path.stem, trace_id="bench", content=path.read_text(), content_type="text")
        articles.append(parse(raw))
    return articles


def _rate(label: str, count: int, work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    rate = count / (time.perf_counter() - started)
    print(f"{label:52} {rate:8.1f} articles/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--rounds", type=int, default=3, help="How many times to go through the pages.")
    args = parser.parse_args()
    model = get_settings().spacy_model
    articles = dev_articles(args.corpus) * args.rounds
    texts = [a.body for a in articles]
    full = spacy.load(model)
    ours = load_nlp(model)
    for warm in (full, ours):  # first calls build caches; keep them out of the timing
        list(warm.pipe(texts[:5]))
    print(
        f"{len(articles)} articles ({len(articles) // args.rounds} dev pages and seeds x {args.rounds}), model {model}"
    )
    print(f"  full pipeline components: {', '.join(full.pipe_names)}; enrich keeps: {', '.join(ours.pipe_names)}")
    baseline = _rate("spaCy, whole pipeline, nlp(text) each", len(texts), lambda: [full(t) for t in texts])
    _rate("spaCy, whole pipeline, nlp.pipe", len(texts), lambda: list(full.pipe(texts)))
    _rate("newsflow enrich(), one at a time", len(articles), lambda: [enrich(a, ours, model) for a in articles])
    batched = _rate(
        f"newsflow enrich_many() (nlp.pipe, batch {NLP_BATCH})",
        len(articles),
        lambda: enrich_many(articles, ours, model),
    )
    verdict = "PASS" if batched >= baseline else "FAIL"
    print(f"{verdict}: enrich core (batched) {batched / baseline:.2f}x the whole spaCy pipeline's rate")


if __name__ == "__main__":
    main()
