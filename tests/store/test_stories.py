"""The story core: features of an article, the similarity to a story, and the decision."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from newsflow_schemas import Dateline, EnrichedArticle, Entity, Keyword, Mention, Quote
from services.store.stories import (
    BODY_WEIGHT,
    TEXT_WEIGHT,
    UNDATED_LOOKBACK,
    WINDOW,
    MemberVector,
    Named,
    Rarity,
    Span,
    StoryFeatures,
    article_time,
    article_vector,
    centroids,
    choose_story,
    features,
    headline,
    joined_span,
    merged_terms,
    protagonist,
    searches,
    similarity,
    started_span,
    story_id_for,
    title_words,
    told_apart,
)

NOW = datetime(2026, 9, 8, 12, 0, tzinfo=UTC)
NO_RARITY = Rarity()


def article(*entities: tuple[str, str, int], title: str | None = None, **fields: object) -> EnrichedArticle:
    return EnrichedArticle(
        article_id="a1",
        trace_id="t1",
        title=title,
        fingerprint="0" * 16,
        entities=[Entity(name=name, type=type_, mentions=count) for name, type_, count in entities],  # type: ignore[arg-type]
        **{"body": "Kazem Gharibabadi wrote to the UN. He said more."} | fields,  # type: ignore[arg-type]
    )


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


def member(story_id: str, found: StoryFeatures, rarity: Rarity = NO_RARITY) -> MemberVector:
    return replace(article_vector(found, rarity), story_id=story_id)


def test_shared_people_and_organisations_make_an_article_fit_a_story():
    new = article_vector(
        features(article(("Kazem Gharibabadi", "PERSON", 4), ("MKO", "ORG", 6), ("Iran", "GPE", 3)), NOW), NO_RARITY
    )
    same = member(
        "s1", features(article(("Kazem Gharibabadi", "PERSON", 3), ("MKO", "ORG", 7), ("Iran", "GPE", 4)), NOW)
    )
    other = member("s2", features(article(("Iran", "GPE", 5), ("Tehran", "GPE", 1)), NOW))
    match = choose_story(new, [other, same])
    assert match is not None
    assert match.story_id == "s1"
    assert match.shared[:2] == ["mko", "kazem gharibabadi"]
    assert similarity(new, other).entity_score < similarity(new, same).entity_score / 2


def test_a_name_many_recent_articles_share_counts_little():
    names = (("United States", "GPE", 3), ("Donald Trump", "PERSON", 1), ("Ohio", "GPE", 1))
    new, old = features(article(*names[:2]), NOW), features(article(names[0], names[2]), NOW)
    rare = Rarity(100, {"e united states": 1, "e donald trump": 1, "e ohio": 1})
    common = Rarity(100, {"e united states": 80, "e donald trump": 1, "e ohio": 1})
    shared_rare = similarity(article_vector(new, rare), member("s1", old, rare)).entity_score
    shared_common = similarity(article_vector(new, common), member("s1", old, common)).entity_score
    assert shared_common < shared_rare / 2
    assert rare.idf("e united states") > common.idf("e united states") > 1.0
    assert Rarity().idf("w anything") == 1.0


def test_the_body_words_make_articles_without_shared_names_fit():
    body = "The earthquake shook the coastal city; the tsunami warning was lifted after the earthquake."
    new = features(article(body=body), NOW)
    same = features(article(body=body.replace("coastal", "seaside")), NOW)
    other = features(article(body="The actress checked into a rehab clinic, her publicist said."), NOW)
    assert new.words["earthquake"] == 2 and "the" not in new.words
    vector = article_vector(new, NO_RARITY)
    assert similarity(vector, member("s1", same)).body_score > 0.8
    assert similarity(vector, member("s2", other)).body_score == 0.0


def test_a_story_scores_as_its_best_matching_member():
    new = article_vector(features(article(("Tara Reid", "PERSON", 3), ("Promises", "ORG", 1)), NOW), NO_RARITY)
    near = member("s1", features(article(("Tara Reid", "PERSON", 2), ("Promises", "ORG", 2)), NOW))
    far = [member("s1", features(article((f"Someone {i}", "PERSON", 3)), NOW)) for i in range(5)]
    match = choose_story(new, [*far, near])
    assert match is not None
    assert match.story_id == "s1"
    assert match.score == similarity(new, near).score


def test_a_story_of_two_angles_also_scores_as_their_centroid():
    quake = features(article(("Chile", "GPE", 2), body="earthquake tsunami Valparaiso harbour damage"), NOW)
    rescue = features(article(("Chile", "GPE", 2), body="rescuers search rubble survivors Valparaiso"), NOW)
    both = features(article(("Chile", "GPE", 2), body="earthquake rubble survivors tsunami Valparaiso"), NOW)
    members = [member("s1", quake), member("s1", rescue)]
    (centroid,) = centroids(members)
    assert centroid.story_id == "s1"
    new = article_vector(both, NO_RARITY)
    assert similarity(new, centroid).score > max(similarity(new, m).score for m in members)
    match = choose_story(new, members, threshold=0.0)
    assert match is not None and match.score == similarity(new, centroid).score
    assert centroids(members[:1]) == []  # one article is its own centroid


def test_shared_title_words_add_at_most_the_text_weight():
    new = article_vector(features(article(("Stadia", "ORG", 2), title="Google launches Stadia"), NOW), NO_RARITY)
    candidate = MemberVector("s1", {"stadia": 0.6, "google": 0.8}, {}, frozenset({"stadia", "launch"}))
    match = similarity(new, candidate)
    assert match.text_score == 1 / 4  # google launches stadia | stadia launch
    assert match.score == pytest.approx(
        match.entity_score + BODY_WEIGHT * match.body_score + TEXT_WEIGHT * match.text_score
    )


def test_no_story_is_chosen_below_the_threshold_or_without_candidates():
    new = article_vector(features(article(("Nadal", "PERSON", 3), body="Nadal won."), NOW), NO_RARITY)
    assert choose_story(new, []) is None
    assert choose_story(new, [member("s1", features(article(("Madrid", "GPE", 1), body="Rain."), NOW))]) is None


def test_a_member_vector_survives_the_store():
    vector = member("s1", features(article(("Tara Reid", "PERSON", 3), title="Tara Reid in rehab"), NOW))
    back = MemberVector.from_stored("s1", vector.stored())
    assert back.title_words == vector.title_words
    assert back.entities == pytest.approx(vector.entities, abs=1e-4)
    assert back.words == pytest.approx(vector.words, abs=1e-4)
    led = member("s1", features(spanned(SECOND_ARREST, "Joe Miller"), NOW))
    assert led.lead == "joe miller" and MemberVector.from_stored("s1", led.stored()).lead == "joe miller"
    # Members stored before leads were kept have none.
    assert MemberVector.from_stored("s1", {"entities": {}, "words": {}}).lead is None


def test_story_ids_are_named_after_the_first_article_and_terms_keep_the_first_words():
    assert story_id_for("a1") == story_id_for("a1") != story_id_for("a2")
    assert len(story_id_for("a1")) == 32
    assert merged_terms(["omar", "guilty"], {"threat", "omar"}) == ["omar", "guilty", "threat"]
    assert len(merged_terms([f"w{i}" for i in range(59)], {"x", "y"})) == 60


def spanned(body: str, *people: str, quotes: list[Quote] | None = None) -> EnrichedArticle:
    """An article of `body` naming each of `people` (PERSON) wherever the body says it."""
    entities = []
    for name in people:
        starts = [m.start() for m in re.finditer(re.escape(name), body)]
        spans = [Mention(start=s, end=s + len(name), text=name) for s in starts]
        entities.append(Entity(name=name, type="PERSON", mentions=len(spans), spans=spans))
    return article(body=body, quotes=quotes or []).model_copy(update={"entities": entities})


SECOND_ARREST = (
    "Chargers tackle Joe Miller was arrested on suspicion of drunken driving early Sunday, the team's second such "
    "arrest in less than a month. " + "x " * 120 + "Joe Miller was released. Ray Carter, arrested in January, "
    "played on. Joe Miller will not."
)


def test_an_article_leads_with_the_most_named_person_of_its_opening():
    assert features(spanned(SECOND_ARREST, "Joe Miller", "Ray Carter"), NOW).lead == "joe miller"
    # Named once, or only further down: no lead person.
    late = "Joe Miller was arrested. " + "x " * 150 + "Ray Carter too. Ray Carter"
    assert features(spanned(late, "Joe Miller", "Ray Carter"), NOW).lead is None
    # Someone quoted in the opening comments on the event, whoever the article is about.
    said = 'Tests "will tell", says Jack Buser, director of games. Jack Buser added more.'
    quote = Quote(text="will tell", kind="direct", speaker="Jack Buser", start=7, end=16)
    assert features(spanned(said, "Jack Buser"), NOW).lead == "jack buser"
    assert features(spanned(said, "Jack Buser", quotes=[quote]), NOW).lead is None


def test_an_article_does_not_join_a_story_that_never_names_its_lead_person():
    new = article_vector(features(spanned(SECOND_ARREST, "Joe Miller", "Ray Carter"), NOW), NO_RARITY)
    first_arrest = "Chargers receiver Ray Carter was arrested on suspicion of drunken driving. Ray Carter will play."
    earlier = member("s-first", features(spanned(first_arrest, "Ray Carter"), NOW))
    match = similarity(new, earlier)
    assert match.score >= 0.5
    assert told_apart(new, [earlier]) == "lead person joe miller"
    assert choose_story(new, [earlier], threshold=0.5) is None
    # A story naming the person, even by surname only, is the article's if it scores.
    same = member(
        "s-second", features(spanned("Miller was arrested. Ray Carter and Miller.", "Miller", "Ray Carter"), NOW)
    )
    chosen = choose_story(new, [earlier, same], threshold=0.1)
    assert chosen is not None and chosen.story_id == "s-second"


FIRST_ARREST = (
    "Chargers receiver Ray Carter was arrested on suspicion of drunken driving. Ray Carter was released. " + "x " * 120
)


def test_an_article_leading_with_someone_else_and_never_naming_the_storys_protagonist_is_apart():
    # The second arrest's story: every article leads with Joe Miller and recalls Ray Carter in passing.
    second = [member("s-second", features(spanned(SECOND_ARREST, "Joe Miller", "Ray Carter"), NOW)) for _ in range(3)]
    assert protagonist([m.lead for m in second]) == "joe miller"
    # A report of the first arrest leads with Ray Carter, whom the story names: apart all the same.
    first = article_vector(features(spanned(FIRST_ARREST, "Ray Carter"), NOW), NO_RARITY)
    assert told_apart(first, second) == "lead person ray carter, not the story's joe miller"
    # Naming the protagonist, or leading with him by surname, keeps it in the running.
    naming = article_vector(
        features(spanned(FIRST_ARREST + "Joe Miller too.", "Ray Carter", "Joe Miller"), NOW), NO_RARITY
    )
    assert told_apart(naming, second) == ""
    by_surname = "Miller was arrested again. Miller, the tackle, was released. " + "x " * 120
    assert told_apart(article_vector(features(spanned(by_surname, "Miller"), NOW), NO_RARITY), second) == ""


def test_a_protagonist_leads_two_members_and_half_of_those_that_lead():
    assert protagonist(["joe miller", "miller", None, "ray carter"]) == "joe miller"
    assert protagonist(["joe miller", None, None]) is None  # one member is not a story's habit
    assert protagonist(["joe miller", "joe miller", "ray carter", "ann lee", "bo diaz"]) is None
    assert protagonist([]) is None
