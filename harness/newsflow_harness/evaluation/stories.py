"""`newsflow eval stories`: the seeds and the dev pages parsed, enriched and stored one by one through
the real store, then the stories it made compared with hand-labelled ones
(annotations/extraction-dev-stories.json).

Two runs: "dated", each article at its own date (most dev pages fall within three days of
November 2019, so the window hardly separates them), and "1 window", every article given the same
date, so only the similarity keeps stories apart.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from spacy.language import Language

from newsflow_harness.cores import parsed_and_enriched
from newsflow_schemas import EnrichedArticle, RawArticle
from services.store.core import to_rows
from services.store.repository import Store, database_engine
from services.store.stories import THRESHOLD, Rarity, article_vector, features, similarity

from .extraction import DEV_FETCHED_AT, load_pages

ANNOTATIONS = Path(__file__).parent / "annotations" / "extraction-dev-stories.json"
# The seeds are wires of 5 and 7 September 2026; as if fetched the day after the second.
SEEDS_FETCHED_AT = datetime(2026, 9, 8, 9, 0, tzinfo=UTC)
ONE_MOMENT = datetime(2019, 11, 19, 12, 0, tzinfo=UTC)
STORED_AT = datetime(2026, 9, 8, 12, 0, tzinfo=UTC)
SWEEP = (0.4, 0.6, 0.7, 0.8, 0.9, 1.0)

Pair = tuple[str, str]


@dataclass(frozen=True)
class Labels:
    same_story: dict[str, list[str]]  # story name -> corpus keys
    either_way: dict[str, list[str]]

    def pairs(self, groups: dict[str, list[str]]) -> set[Pair]:
        return {pair for keys in groups.values() for pair in itertools.combinations(sorted(keys), 2)}


@dataclass(frozen=True)
class Outcome:
    """One clustering of the corpus against the labels."""

    threshold: float
    stories: dict[str, list[str]]  # story id -> corpus keys, in storing order
    seeds_together: bool
    joined: list[Pair]  # labelled same-story pairs that share a story
    missed: list[Pair]
    false_merges: list[Pair]  # pairs sharing a story that the labels say must not

    @property
    def multi(self) -> dict[str, list[str]]:
        return {story: keys for story, keys in self.stories.items() if len(keys) > 1}

    @property
    def wrongly_merged_articles(self) -> int:
        return len({key for pair in self.false_merges for key in pair})

    def verdict(self, keys: list[str], labels: Labels) -> str:
        """For a story of several articles: "same story", "related" (either way) or "false merge"."""
        together = set(itertools.combinations(sorted(keys), 2))
        if together & set(self.false_merges):
            return "false merge"
        return "same story" if together <= labels.pairs(labels.same_story) else "related"


def load_labels(path: Path = ANNOTATIONS) -> Labels:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Labels(data["same_story"], data["either_way"])


def corpus_articles(corpus: Path, seeds: Path, nlp: Language, model_name: str) -> dict[str, EnrichedArticle]:
    """The seeds, then the dev pages, as the enrich stage hands them to the store, by corpus key."""
    raws = [
        RawArticle(
            article_id=path.stem,
            trace_id="eval",
            content=path.read_text(encoding="utf-8"),
            content_type="text",
            source="mehr",
            fetched_at=SEEDS_FETCHED_AT,
        )
        for path in sorted(seeds.glob("*.txt"))
    ]
    raws += [
        RawArticle(
            article_id=page.page_id,
            trace_id="eval",
            content=page.html,
            content_type="html",
            url=page.url,
            fetched_at=DEV_FETCHED_AT,
        )
        for page in load_pages(corpus)
    ]
    return {article.article_id: article for article in parsed_and_enriched(raws, nlp, model_name)}


def at_one_moment(articles: dict[str, EnrichedArticle]) -> dict[str, EnrichedArticle]:
    """Every article published at the same moment, so that no time window keeps any two apart."""
    return {
        key: article.model_copy(update={"published_at": ONE_MOMENT, "dateline": None})
        for key, article in articles.items()
    }


def cluster(articles: dict[str, EnrichedArticle], threshold: float = THRESHOLD) -> dict[str, list[str]]:
    """Store the articles in order through a fresh SQLite store; story id -> corpus keys."""
    with tempfile.TemporaryDirectory() as folder:
        engine = database_engine(f"sqlite:///{folder}/stories.db")
        store = Store(engine, story_threshold=threshold)
        store.create_schema()
        stories: dict[str, list[str]] = defaultdict(list)
        for key, article in articles.items():
            saved = store.save_revision(to_rows(article, STORED_AT))
            stories[saved.story_id or f"none:{key}"].append(key)
        engine.dispose()
    return dict(stories)


def judge(stories: dict[str, list[str]], labels: Labels, threshold: float = THRESHOLD) -> Outcome:
    same, either = labels.pairs(labels.same_story), labels.pairs(labels.either_way)
    together = {pair for keys in stories.values() for pair in itertools.combinations(sorted(keys), 2)}
    seeds = next(keys for name, keys in labels.same_story.items() if "seeds" in name)
    story_of = {key: story for story, keys in stories.items() for key in keys}
    return Outcome(
        threshold=threshold,
        stories=stories,
        seeds_together=len({story_of.get(key) for key in seeds}) == 1 and seeds[0] in story_of,
        joined=sorted(same & together),
        missed=sorted(same - together),
        false_merges=sorted(together - same - either),
    )


def pair_scores(articles: dict[str, EnrichedArticle], labels: Labels) -> dict[Pair, float]:
    """The similarity of each labelled same-story pair, the later article against the earlier alone."""
    keys = list(articles)
    scores = {}
    for first, second in sorted(labels.pairs(labels.same_story)):
        if first not in articles or second not in articles:
            continue
        earlier, later = sorted((first, second), key=keys.index)
        # Rarity over the two articles alone: the eval's 14 pairs say nothing of a stream's frequencies.
        pair = [features(articles[key], STORED_AT) for key in (earlier, later)]
        rarity = Rarity(2, Counter(term for f in pair for term in f.terms()))
        vectors = [article_vector(f, rarity) for f in pair]
        scores[(first, second)] = similarity(vectors[1], vectors[0]).score
    return scores
