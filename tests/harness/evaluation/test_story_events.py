"""stories-dev scoring and layouts: B-cubed on clusterings worked out by hand, seeded layouts."""

from __future__ import annotations

import pytest

from newsflow_harness.evaluation.story_events import (
    LAYOUTS,
    SPREAD,
    EventArticle,
    bcubed,
    one_date,
    over_seeds,
    pairwise,
    peer_clusters,
    singleton_share,
    stream,
)

GOLD = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "y"}


def test_bcubed_of_the_gold_itself_is_perfect() -> None:
    scores = bcubed(GOLD, GOLD)
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)


def test_bcubed_all_singletons() -> None:
    found = {k: k for k in GOLD}
    scores = bcubed(found, GOLD)
    assert scores.precision == 1.0
    # Each of a, b, c finds 1 of 3, each of d, e 1 of 2.
    assert scores.recall == pytest.approx((3 * (1 / 3) + 2 * (1 / 2)) / 5)


def test_bcubed_one_cluster() -> None:
    found = dict.fromkeys(GOLD, "all")
    scores = bcubed(found, GOLD)
    assert scores.recall == 1.0
    assert scores.precision == pytest.approx((3 * (3 / 5) + 2 * (2 / 5)) / 5)


def test_bcubed_and_pairs_of_a_split_and_a_merge() -> None:
    # {a, b} {c, d, e}: c is split from its event and merged with the other.
    found = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "2"}
    scores = bcubed(found, GOLD)
    assert scores.precision == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert scores.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)
    pairs = pairwise(found, GOLD)
    # Found pairs: ab, cd, ce, de; gold pairs: ab, ac, bc, de.
    assert (pairs.precision, pairs.recall) == (0.5, 0.5)
    assert singleton_share(found) == 0.0
    assert singleton_share({"a": "1", "b": "2", "c": "2"}) == pytest.approx(1 / 3)


def labelled(events: int = 6, per_event: int = 5) -> list[EventArticle]:
    return [EventArticle(f"{e}_{i}", e // 2 + 1, f"{e // 2 + 1}/{e}") for e in range(events) for i in range(per_event)]


def test_stream_is_seeded_in_time_order_and_near_each_event() -> None:
    articles = labelled()
    timeline = stream(articles)
    assert timeline == stream(articles)
    assert timeline != stream(articles, seed=1)
    assert [t for _, t in timeline] == sorted(t for _, t in timeline)
    assert sorted(i for i, _ in timeline) == sorted(a.article_id for a in articles)
    event_of = {a.article_id: a.event for a in articles}
    times: dict[str, list] = {}
    for article_id, moment in timeline:
        times.setdefault(event_of[article_id], []).append(moment)
    for moments in times.values():  # all within SPREAD of one day: at most 2 * SPREAD apart
        assert max(moments) - min(moments) <= 2 * SPREAD


def test_one_date_is_one_moment_in_a_seeded_order() -> None:
    articles = labelled()
    timeline = one_date(articles)
    assert timeline == one_date(articles)
    assert len({t for _, t in timeline}) == 1
    assert [i for i, _ in timeline] != [a.article_id for a in articles]


def test_halves_are_odd_and_even_topics() -> None:
    assert EventArticle("1_1", 1, "1/1").half == "dev"
    assert EventArticle("2_1", 2, "2/2").half == "check"


def test_peer_keeps_two_events_apart_and_joins_each() -> None:
    bodies = {
        "q1": "Earthquake shakes Chile coast, tsunami warning issued for Valparaiso harbour.",
        "q2": "Tsunami warning for Valparaiso after earthquake shakes the Chile coast.",
        "r1": "Actress enters rehab clinic in Malibu, her publicist confirmed the treatment.",
        "r2": "Her publicist said the actress checked into a Malibu rehab clinic for treatment.",
    }
    timeline = one_date([EventArticle(k, 1, k[0]) for k in bodies])
    found = peer_clusters(bodies, timeline, 0.2)
    assert found["q1"] == found["q2"] != found["r1"] == found["r2"]


def test_over_seeds_scores_each_half_and_layout_once_per_seed() -> None:
    articles = [EventArticle(f"{topic}_{i}", topic, f"{topic}/{i % 2}") for topic in (1, 2) for i in range(6)]
    seen: list[tuple[str, ...]] = []

    def first_two_together(timeline, threshold):  # the first two to arrive share a cluster, the rest are alone
        order = [article_id for article_id, _ in timeline]
        seen.append(tuple(order))
        return {article_id: "first" if n < 2 else article_id for n, article_id in enumerate(order)}

    spreads = over_seeds(articles, {"toy": (first_two_together, 0.5)}, seeds=(17, 1, 2))
    assert [(s.half, s.layout) for s in spreads] == [(h, name) for h in ("dev", "check") for name in LAYOUTS]
    assert all(len(s.f1s) == 3 and min(s.f1s) - 1e-9 <= s.mean <= max(s.f1s) + 1e-9 for s in spreads)
    assert len(seen) == 12 and len(set(seen)) > 4  # other seeds, other orders
    # Whether the first two are of one event depends on the order: the seeds do not all score alike.
    assert any(len(set(s.f1s)) > 1 for s in spreads)
