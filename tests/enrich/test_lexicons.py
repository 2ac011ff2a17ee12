"""Keywords, topics, tone and places: the small readers that run on every English article."""

from __future__ import annotations

from services.enrich.keywords import keywords
from services.enrich.places import country_code, main_country
from services.enrich.tone import tone
from services.enrich.topics import topics

SPORTS = (
    "The Steelers lost the game on Thursday. The coach said the team must win the next match, "
    "and the players agreed that the season is not over. Fans in the stadium booed the quarterback."
)


def test_keywords_rank_the_recurring_theme_first(seed_000):
    found = [k.text for k in keywords(None, seed_000.body)]
    assert found[0] == "human rights"
    assert "mko" in found[:3]
    assert all(len(k.split()) <= 3 for k in found)


def test_topics_of_the_seed_and_of_a_sports_text(seed_000):
    labels = [t.label for t in topics(None, seed_000.body)]
    assert labels[:2] == ["conflict and terrorism", "human rights"]
    assert [t.label for t in topics("Steelers lose", SPORTS)] == ["sports"]
    assert "terrorist" in topics(None, seed_000.body)[0].evidence


def test_a_passing_word_is_not_a_topic():
    assert topics(None, "The election was mentioned once in a long text about cooking pasta at home.") == []


def test_tone_is_negative_for_killing_and_positive_for_praise():
    sad = tone("The attack killed dozens and the murder of civilians caused terror and grief.")
    glad = tone("The team celebrated a wonderful victory and thanked their loyal, happy fans.")
    assert sad.score < -10 < 10 < glad.score
    assert sad.polarity == sad.positive + sad.negative or abs(sad.polarity - (sad.positive + sad.negative)) < 0.02


def test_places_and_nationalities_have_country_codes():
    assert country_code("the U.S.", "GPE") == "US"
    assert country_code("Paris", "GPE") == "FR"  # the most populous Paris
    assert country_code("Tehran", "GPE") == "IR"
    assert country_code("Iranians", "NORP") == "IR"
    assert country_code("Western", "NORP") is None
    assert country_code("Kazem Gharibabadi", "PERSON") is None


def test_main_country_needs_a_clear_lead():
    assert main_country([("IR", 5), ("US", 2), ("FR", 1)]) == "IR"
    assert main_country([("IR", 2), ("US", 2)]) is None
    assert main_country([]) is None
