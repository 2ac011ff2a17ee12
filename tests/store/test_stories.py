"""The story core: features of an article, the similarity to a story, and the decision."""

from __future__ import annotations

from datetime import UTC, date, datetime

from newsflow_schemas import Dateline, EnrichedArticle, Entity, Keyword
from services.store.stories import (
    THRESHOLD,
    UNDATED_LOOKBACK,
    WINDOW,
    CandidateStory,
    Named,
    Span,
    article_time,
    choose_story,
    features,
    folded_name,
    headline,
    joined_span,
    merged_terms,
    rarity,
    searches,
    similarity,
    started_span,
    story_id_for,
    title_words,
)

NOW = datetime(2026, 9, 8, 12, 0, tzinfo=UTC)


def article(*entities: tuple[str, str, int], title: str | None = None, **fields: object) -> EnrichedArticle:
    return EnrichedArticle(
        article_id="a1",
        trace_id="t1",
        title=title,
        body="Kazem Gharibabadi wrote to the UN. He said more.",
        fingerprint="0" * 16,
        entities=[Entity(name=name, type=type_, mentions=count) for name, type_, count in entities],  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )


def story(story_id: str, **names: Named) -> CandidateStory:
    return CandidateStory(story_id, {folded_name(key.replace("_", " ")): value for key, value in names.items()})


def test_one_name_typed_two_ways_is_one_name_with_the_heavier_type():
    found = features(
        article(("Trump", "PERSON", 6), ("Trump", "ORG", 3), ("Virginia", "GPE", 2), ("Tuesday", "DATE", 2)), NOW
    )
    assert found.entities == {"trump": Named(1.0, 9), "virginia": Named(0.4, 2)}  # dates say nothing of the event


def test_title_words_leave_out_short_and_empty_words():
    assert title_words("New York man pleads guilty to threatening to kill Rep. Ilhan Omar") == {
        "york", "man", "pleads", "guilty", "threatening", "kill", "rep", "ilhan", "omar"
    }  # fmt: skip
    assert title_words(None) == frozenset()


def test_the_ten_strongest_keywords_count():
    keywords = [Keyword(text=f"Term {i}", score=i) for i in range(15)]
    found = features(article(keywords=keywords), NOW)
    assert found.keywords == {f"term {i}" for i in range(5, 15)}


def test_an_article_is_dated_by_publication_then_dateline_else_by_its_fetching():
    published = datetime(2026, 9, 5, 8, 0, tzinfo=UTC)
    fetched = datetime(2026, 9, 6, tzinfo=UTC)
    assert article_time(article(published_at=published, dateline=Dateline(date=date(2026, 9, 4))), NOW) == (
        published,
        True,
    )
    noon = datetime(2026, 9, 7, 12, 0, tzinfo=UTC)
    assert article_time(article(dateline=Dateline(city="Tehran", date=date(2026, 9, 7))), NOW) == (noon, True)
    assert article_time(article(fetched_at=fetched, dateline=Dateline(city="Tehran")), NOW) == (fetched, False)
    assert article_time(article(), NOW) == (NOW, False)


def test_a_dated_article_looks_around_its_date_and_at_undated_stories_fetched_after_it():
    dated = features(article(published_at=NOW), NOW)
    (search,) = searches(dated)
    assert (search.dated_from, search.dated_to) == (NOW - WINDOW, NOW + WINDOW)
    assert (search.undated_from, search.undated_to) == (NOW - WINDOW, NOW + UNDATED_LOOKBACK)


def test_an_undated_article_looks_around_its_fetching_first_then_a_year_back():
    near, earlier = searches(features(article(fetched_at=NOW), NOW))
    assert (near.dated_from, near.dated_to, near.undated_to) == (NOW - WINDOW, NOW + WINDOW, NOW + WINDOW)
    assert (earlier.dated_from, earlier.undated_from) == (NOW - UNDATED_LOOKBACK, NOW - UNDATED_LOOKBACK)


def test_a_story_takes_its_first_dated_articles_date_and_undated_ones_leave_it():
    sept5, sept7, nov26 = (datetime(2026, m, d, tzinfo=UTC) for m, d in ((9, 5), (9, 7), (11, 26)))
    undated = features(article(fetched_at=nov26), NOW)
    on_sept7 = features(article(published_at=sept7), NOW)
    story = started_span(undated)
    assert story == Span(nov26, nov26, dated=False)
    story = joined_span(story, on_sept7)
    assert story == Span(sept7, sept7, dated=True)  # the fetch time was only an upper bound
    assert joined_span(story, undated) == story
    assert joined_span(story, features(article(published_at=sept5), NOW)) == Span(sept5, sept7, dated=True)


def test_a_wire_without_title_is_headed_by_its_first_sentence():
    assert headline(article()) == "Kazem Gharibabadi wrote to the UN."
    assert headline(article(title="Iran urges expulsion of MKO")) == "Iran urges expulsion of MKO"


def test_shared_people_and_organisations_make_an_article_fit_a_story():
    new = features(article(("Kazem Gharibabadi", "PERSON", 4), ("MKO", "ORG", 6), ("Iran", "GPE", 3)), NOW)
    same = story("s1", kazem_gharibabadi=Named(1.0, 3), MKO=Named(1.0, 7), Iran=Named(0.4, 4))
    other = story("s2", Iran=Named(0.4, 5), Tehran=Named(0.4, 1))
    match = choose_story(new, [other, same], {"iran": 2, "mko": 1, "kazem gharibabadi": 1})
    assert match is not None
    assert match.story_id == "s1"
    assert match.shared[:2] == ["mko", "kazem gharibabadi"]
    assert similarity(new, other, {"iran": 2}).score < THRESHOLD


def test_a_name_many_other_stories_share_counts_little():
    new = features(article(("United States", "GPE", 3), ("Donald Trump", "PERSON", 1)), NOW)
    candidate = story("s1", United_States=Named(0.4, 3), Donald_Trump=Named(1.0, 1))
    alone = similarity(new, candidate, {"united states": 1, "donald trump": 1})
    common = similarity(new, candidate, {"united states": 51, "donald trump": 31})
    assert alone.score > 0.99
    assert common.score < THRESHOLD
    assert rarity(0) == 1.0
    assert 0.19 < rarity(50) < 0.21


def test_shared_title_words_add_at_most_the_text_weight():
    new = features(article(("Stadia", "ORG", 2), title="Google launches Stadia"), NOW)
    candidate = CandidateStory(
        "s1", {"stadia": Named(1.0, 1), "google": Named(1.0, 4)}, frozenset({"stadia", "launch"})
    )
    match = similarity(new, candidate, {})
    assert match.text_score == 1 / 4  # google launches stadia | stadia launch
    assert match.score == match.entity_score + 0.3 * match.text_score


def test_no_story_is_chosen_below_the_threshold_or_without_candidates():
    new = features(article(("Nadal", "PERSON", 3)), NOW)
    assert choose_story(new, [], {}) is None
    assert choose_story(new, [story("s1", Madrid=Named(0.4, 1))], {}) is None


def test_story_ids_are_named_after_the_first_article_and_terms_keep_the_first_words():
    assert story_id_for("a1") == story_id_for("a1") != story_id_for("a2")
    assert len(story_id_for("a1")) == 32
    assert merged_terms(["omar", "guilty"], {"threat", "omar"}) == ["omar", "guilty", "threat"]
    assert len(merged_terms([f"w{i}" for i in range(59)], {"x", "y"})) == 60
