"""The merge pass's pure decision: fragments of one event rejoin; similar events told apart by their
person, place or dates stay apart; chains join only when every member may be one event."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from services.store.merging import THRESHOLD, Name, StoryProfile, apart, compare, main_name, plan

DAY = datetime(2026, 3, 2, 12, tzinfo=UTC)


def story(
    story_id: str,
    names: dict[str, tuple[str, int]],
    terms: str = "",
    articles: int = 2,
    day: int = 0,
    span_days: int = 0,
    dated: bool = True,
) -> StoryProfile:
    """A story of `articles` articles, each naming each name: name -> (type, mentions per article)."""
    return StoryProfile(
        story_id=story_id,
        article_count=articles,
        first_seen=DAY + timedelta(days=day),
        last_seen=DAY + timedelta(days=day + span_days),
        dated=dated,
        names={key: Name(type_, articles, mentions * articles) for key, (type_, mentions) in names.items()},
        terms=frozenset(terms.split()),
    )


REHAB = {"betty ford center": ("FAC", 2), "rancho mirage": ("GPE", 1), "rehab": ("EVENT", 2)}
LOHAN_1 = story("s-lohan-1", {"lindsay lohan": ("PERSON", 5), **REHAB}, "lohan enters rehab clinic", articles=3)
LOHAN_2 = story("s-lohan-2", {"lindsay lohan": ("PERSON", 4), "shawn holley": ("PERSON", 1), **REHAB}, "lohan rehab")
LOHAN_3 = story("s-lohan-3", {"lohan": ("PERSON", 3), "betty ford center": ("FAC", 1)}, "actress checks into rehab")
WINEHOUSE = story("s-winehouse", {"amy winehouse": ("PERSON", 5), **REHAB}, "winehouse enters rehab clinic")


def test_the_fragments_of_one_event_merge_into_the_biggest() -> None:
    merges = plan([LOHAN_2, LOHAN_1, LOHAN_3])
    assert {(m.story_id, m.into_story_id) for m in merges} == {("s-lohan-2", "s-lohan-1"), ("s-lohan-3", "s-lohan-1")}
    assert all(m.score >= THRESHOLD for m in merges)
    assert "lindsay lohan" in merges[0].shared or "lohan" in merges[1].shared


def test_two_similar_events_with_different_people_stay_apart() -> None:
    pair = compare(LOHAN_1, WINEHOUSE)
    assert pair.score >= THRESHOLD  # alike enough by everything else: only the person tells them apart
    assert pair.apart == "different main person: lindsay lohan / amy winehouse"
    assert plan([LOHAN_1, WINEHOUSE]) == []
    # By surname, or under another type, the person is named: no distinction.
    mother = story("s-dina", {"dina lohan": ("PERSON", 5), **REHAB}, "lohan enters rehab clinic")
    typed_as_org = story("s-org", {"amy winehouse": ("ORG", 1), "mitch winehouse": ("PERSON", 5), **REHAB})
    assert apart(LOHAN_1, mother) == "" and apart(WINEHOUSE, typed_as_org) == ""


def test_far_dates_keep_events_apart_and_places_can() -> None:
    quake = {"earthquake": ("EVENT", 3), "red cross": ("ORG", 2), "usgs": ("ORG", 1)}
    chile = story("s-chile", {**quake, "chile": ("GPE", 3)}, "strong earthquake strikes")
    again = story("s-chile-later", {**quake, "chile": ("GPE", 3)}, "strong earthquake strikes", day=40)
    assert apart(chile, again) == "dates 40 days apart"
    assert plan([chile, again]) == []
    # Main places tell events apart when asked to (off by default: see merging.DISTINGUISHING).
    peru = story("s-peru", {**quake, "peru": ("GPE", 3)}, "strong earthquake strikes")
    assert apart(chile, peru) == ""
    assert apart(chile, peru, kinds=("person", "place")) == "different main place: chile / peru"
    # A place the other story names inside a longer name is no distinction.
    santiago = story("s-santiago", {**quake, "santiago de chile": ("GPE", 3)}, "strong earthquake strikes")
    assert apart(chile, santiago, kinds=("place",)) == ""
    # Three days apart is still one event's coverage.
    follow_up = story("s-chile-next", {**quake, "chile": ("GPE", 3)}, "strong earthquake strikes", day=3)
    assert [(m.story_id, m.into_story_id) for m in plan([chile, follow_up])] == [("s-chile-next", "s-chile")]


def test_an_undated_story_is_not_told_apart_by_its_fetch_time() -> None:
    late = story("s-lohan-undated", {"lindsay lohan": ("PERSON", 4), **REHAB}, "lohan rehab", day=30, dated=False)
    assert apart(LOHAN_1, late) == ""
    assert [(m.story_id, m.into_story_id) for m in plan([LOHAN_1, late])] == [("s-lohan-undated", "s-lohan-1")]


def test_a_chain_merges_only_when_its_ends_may_be_one_event() -> None:
    # b is like a and like c, but a and c name different main people: b joins the closer one only.
    a = story("s-a", {"lindsay lohan": ("PERSON", 5), **REHAB}, "lohan enters rehab clinic", articles=4)
    b = story("s-b", {**REHAB, "celebrity": ("NORP", 1)}, "star enters rehab clinic", articles=1)
    c = story("s-c", {"amy winehouse": ("PERSON", 5), **REHAB}, "winehouse enters rehab clinic", articles=3)
    merges = plan([a, b, c])
    assert len(merges) == 1 and merges[0].story_id == "s-b" and merges[0].into_story_id in {"s-a", "s-c"}
    # A plain chain (each next one a fragment of the same event) ends in one story.
    d = story("s-d", {"lindsay lohan": ("PERSON", 2), "rehab": ("EVENT", 1)}, "lohan rehab", articles=1, day=1)
    chained = plan([a, LOHAN_2, d])
    assert {m.into_story_id for m in chained} == {"s-a"} and {m.story_id for m in chained} == {"s-lohan-2", "s-d"}


def test_the_plan_is_the_same_whatever_the_order() -> None:
    stories = [LOHAN_1, LOHAN_2, LOHAN_3, WINEHOUSE]
    assert plan(stories) == plan(list(reversed(stories))) == plan(stories[2:] + stories[:2])


def test_unrelated_stories_never_merge() -> None:
    budget = story("s-budget", {"congress": ("ORG", 3), "nancy pelosi": ("PERSON", 2)}, "budget talks stall")
    assert plan([LOHAN_1, budget, WINEHOUSE]) == []


def test_a_main_name_is_named_by_half_the_articles_at_least() -> None:
    scattered = StoryProfile(
        "s", 4, DAY, DAY, True, {"a person": Name("PERSON", 1, 9), "b person": Name("PERSON", 2, 2)}, frozenset()
    )
    assert main_name(scattered, "person") == "b person"
    scattered_more = StoryProfile("s", 5, DAY, DAY, True, dict(scattered.names), frozenset())
    assert main_name(scattered_more, "person") is None
    assert main_name(scattered, "place") is None


def test_the_main_person_is_the_most_mentioned_not_one_every_article_drops() -> None:
    # Two hosts of an awards show announced years apart: every article names the show once (typed a
    # person by the small NER model); two of each event's three articles name its host over and over.
    show = {"oscar": ("PERSON", 1), "academy awards": ("ORG", 2), "host": ("EVENT", 1)}
    first = story("s-first", show, "academy names oscar host", articles=3)
    second = story("s-second", show, "academy names oscar host", articles=3)
    first = replace(first, names={**first.names, "hugh jackman": Name("PERSON", 2, 10)})
    second = replace(second, names={**second.names, "ellen degeneres": Name("PERSON", 2, 12)})
    assert main_name(first, "person") == "hugh jackman" and main_name(second, "person") == "ellen degeneres"
    assert apart(first, second) == "different main person: hugh jackman / ellen degeneres"
    assert plan([first, second]) == []


def test_a_later_event_recalling_the_earlier_ones_protagonist_stays_apart() -> None:
    # Two players of one team arrested for drunk driving a month apart: the second arrest's articles
    # recall the first player's, the first's never name the second player.
    arrest = {"chargers": ("ORG", 2), "highway patrol": ("ORG", 2), "dui": ("ORG", 2), "san diego": ("GPE", 1)}
    first = story("s-first", {"ray carter": ("PERSON", 6), **arrest}, "receiver arrested drunk driving", articles=4)
    second_names = {"joe miller": ("PERSON", 6), "ray carter": ("PERSON", 1), **arrest}
    second = story("s-second", second_names, "tackle arrested drunk driving", articles=3)
    assert compare(first, second).score >= THRESHOLD
    assert apart(first, second) == "different main person: ray carter / joe miller"
    assert plan([first, second]) == []
    # A fragment of one or two articles is not sure of its main person: both must go unnamed.
    for articles in (1, 2):
        fragment = story("s-fragment", second_names, "tackle arrested drunk driving", articles=articles)
        assert apart(first, fragment) == ""


def test_a_fragment_told_in_other_names_rejoins_by_its_body_words() -> None:
    trial = {"albany": ("GPE", 1), "kathina thomas": ("PERSON", 3)}
    words = {"trial": 0.5, "testimony": 0.5, "jury": 0.5, "shooting": 0.5}
    big = replace(story("s-trial", trial, "teen trial", articles=4), words=words)
    # A fragment naming the victim by first name and the city only: too few names in common alone.
    fragment = story("s-fragment", {"albany": ("GPE", 1), "kathina": ("PERSON", 2)}, "second day", articles=1)
    assert compare(big, fragment).score < THRESHOLD
    assert compare(big, replace(fragment, words=words)).score >= THRESHOLD
    assert [(m.story_id, m.into_story_id) for m in plan([big, replace(fragment, words=words)])] == [
        ("s-fragment", "s-trial")
    ]


# A lone article of the trial, told mostly in other words: below the threshold, but its one clear match.
TRIAL_WORDS = {"trial": 0.5, "testimony": 0.5, "jury": 0.5, "shooting": 0.5}
TRIAL = replace(
    story("s-trial", {"albany": ("GPE", 1), "kathina thomas": ("PERSON", 3), "wood": ("PERSON", 2)}, articles=4),
    words=TRIAL_WORDS,
)
LONE = replace(
    story(
        "s-lone",
        {"albany": ("GPE", 1), "wood": ("PERSON", 1), "lee": ("PERSON", 1), "park": ("PERSON", 1), "nyc": ("ORG", 2)},
        articles=1,
    ),
    words={"jury": 0.3, "verdict": 0.6, "court": 0.5, "judge": 0.5},
)


def test_a_lone_article_joins_its_one_clear_match_below_the_threshold() -> None:
    assert compare(TRIAL, LONE).score < THRESHOLD
    [merge] = plan([TRIAL, LONE])
    assert (merge.story_id, merge.into_story_id) == ("s-lone", "s-trial")
    assert 0.5 * THRESHOLD <= merge.score < THRESHOLD
    assert merge.reason.startswith("a lone article's clear best match")


def test_a_lone_article_with_two_close_matches_or_only_a_place_in_common_stays_alone() -> None:
    # Another trial in the same city with the same witness, as close to the lone article: which one is it?
    other = replace(
        story("s-other-trial", {"albany": ("GPE", 1), "john doe": ("PERSON", 3), "wood": ("PERSON", 2)}, articles=4),
        words=TRIAL_WORDS,
    )
    assert plan([TRIAL, other, LONE]) == []
    assert [m.story_id for m in plan([TRIAL, LONE])] == ["s-lone"]
    # Only the city in common with the names: the setting, not the event.
    setting = replace(
        story("s-setting", {"albany": ("GPE", 2), "nyc": ("ORG", 2)}, articles=1),
        words={"jury": 0.5, "verdict": 0.6, "court": 0.5, "trial": 0.5},
    )
    assert plan([TRIAL, setting]) == []
    # The same two with an actor in common (the city's police): one event.
    police = {"albany police": Name("ORG", 1, 1)}
    with_police = [replace(TRIAL, names={**TRIAL.names, **police}), replace(setting, names={**setting.names, **police})]
    assert [m.story_id for m in plan(with_police)] == ["s-setting"]
    # Another lone article is no story to join, and a story a week away is another event.
    assert plan([replace(TRIAL, article_count=1), LONE]) == []
    assert plan([TRIAL, replace(LONE, first_seen=DAY + timedelta(days=7), last_seen=DAY + timedelta(days=7))]) == []


def test_stories_led_by_two_people_are_two_events_when_one_never_names_the_other() -> None:
    team = {"chargers": ("ORG", 2), "san diego": ("GPE", 1), "dui": ("EVENT", 1)}
    first = replace(
        story("s-first", {"ray carter": ("PERSON", 4), **team}, "receiver arrested dui", articles=4),
        leads=("ray carter",) * 4,
    )
    # Two articles of the second arrest, each recalling the first: too few for the main-person rule.
    second = replace(
        story("s-second", {"joe miller": ("PERSON", 4), "ray carter": ("PERSON", 1), **team}, "tackle arrested dui"),
        leads=("joe miller", "joe miller"),
    )
    assert compare(first, replace(second, leads=())).apart == ""
    assert compare(first, second).apart == "different protagonists: ray carter / joe miller"
    assert plan([first, second]) == []
    # A fight: each story names the other's protagonist. One event.
    fight = {"ray carter": ("PERSON", 3), "joe miller": ("PERSON", 3), **team}
    one = replace(story("s-one", fight, "title fight"), leads=("ray carter", "ray carter"))
    other = replace(story("s-other", fight, "title fight"), leads=("joe miller", "joe miller"))
    assert compare(one, other).apart == ""
    # A suspect's story with an article leading with the victim: a fragment leading with her is its own.
    suspect = replace(
        first, leads=("ray carter",) * 3 + ("ann lee",), names={**first.names, "ann lee": Name("PERSON", 1, 2)}
    )
    victim = replace(story("s-victim", {"ann lee": ("PERSON", 4), **team}), leads=("ann lee", "ann lee"))
    assert compare(suspect, victim).apart == ""
