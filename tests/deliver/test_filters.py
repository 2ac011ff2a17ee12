"""Which subscriptions an event goes to (pure), the CLI's --filter syntax, back-off and signatures."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from newsflow_schemas import ArticleStored, EnrichedArticle, Entity, Topic
from services.deliver.core import Subscription, matching, merge_matching
from services.deliver.filters import Filters, parse_filter_options
from services.deliver.sender import backoff_s, signed_headers
from services.ingest.auth import signature_problem

ARTICLE = EnrichedArticle(
    article_id="a1", trace_id="t", body="Iran's envoy spoke.", fingerprint="0" * 16, source="mehrnews",
    agency="MNA", language="en-GB", detected_language="en", countries=["IR", "US"], main_country="IR",
    entities=[Entity(name="Kazem Gharibabadi", type="PERSON", mentions=3)],
    topics=[Topic(label="politics", score=0.8)],
)  # fmt: skip
EVENT = ArticleStored(article_id="a1", trace_id="t", change="created", language="en")


def subscribed(**filters: object) -> Subscription:
    return Subscription("s", "http://h/", "secret", Filters.model_validate(filters))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, True),
        ({"entity": ["kazem  GHARIBABADI"]}, True),  # case and spacing do not matter
        ({"entity": ["Antonio Guterres"]}, False),
        ({"entity": ["Antonio Guterres", "Kazem Gharibabadi"]}, True),  # any of a field's values
        ({"topic": ["politics"], "country": ["ir"]}, True),
        ({"topic": ["politics"], "country": ["FR"]}, False),  # every field given must match
        ({"language": ["en"]}, True),
        ({"language": ["fa"]}, False),
        ({"source": ["MNA"]}, True),  # the agency counts as a source
        ({"source": ["reuters"]}, False),
    ],
)
def test_filters(filters: dict, expected: bool) -> None:
    assert bool(matching(EVENT, ARTICLE, [subscribed(**filters)], lambda _q: True)) is expected


def test_the_text_query_is_asked_only_when_the_other_filters_pass() -> None:
    asked: list[str] = []

    def text(query: str) -> bool:
        asked.append(query)
        return query == "envoy"

    subscriptions = [subscribed(query="envoy"), subscribed(query="oil"), subscribed(query="x", source=["afp"])]
    assert [s.filters.query for s in matching(EVENT, ARTICLE, subscriptions, text)] == ["envoy"]
    assert asked == ["envoy", "oil"]


def test_filter_options_parse_and_refuse_clearly() -> None:
    parsed = parse_filter_options(["entity=Kazem Gharibabadi", "entity=UN", "language=en", "query=sanctions -oil"])
    assert parsed == Filters(entity=["Kazem Gharibabadi", "UN"], language=["en"], query="sanctions -oil")
    with pytest.raises(ValueError, match="KEY one of events, entity, topic, country, language, source, query"):
        parse_filter_options(["colour=red"])
    with pytest.raises(ValidationError, match="blank"):
        parse_filter_options(["entity= "])


def test_a_subscription_gets_article_events_unless_it_asks_for_merges() -> None:
    assert Filters().events == ["ArticleStored"] and Filters().model_dump(exclude_defaults=True) == {}
    merges_only = subscribed(events=["StoryMerged"])
    both = subscribed(events=["ArticleStored", "StoryMerged"])
    assert matching(EVENT, ARTICLE, [subscribed(), merges_only, both], lambda _q: True) == [subscribed(), both]
    assert parse_filter_options(["events=StoryMerged", "entity=UN"]) == Filters(events=["StoryMerged"], entity=["UN"])
    assert parse_filter_options(["events=ArticleStored, StoryMerged"]).events == ["ArticleStored", "StoryMerged"]
    with pytest.raises(ValidationError):
        parse_filter_options(["events=ArticleDeleted"])
    with pytest.raises(ValidationError):
        Filters(events=[])


OTHER = EnrichedArticle(article_id="a2", trace_id="t", body="Rain.", fingerprint="0" * 16, source="afp",
                        detected_language="fr")  # fmt: skip


@pytest.mark.parametrize(
    ("filters", "moved", "expected"),
    [
        ({"events": ["StoryMerged"]}, [], True),  # no filter: every merge, even of articles gone since
        ({"events": ["StoryMerged"], "entity": ["Kazem Gharibabadi"]}, [OTHER, ARTICLE], True),  # one moved matches
        ({"events": ["StoryMerged"], "entity": ["Kazem Gharibabadi"]}, [OTHER], False),
        ({"events": ["StoryMerged"], "language": ["fr"], "source": ["afp"]}, [OTHER, ARTICLE], True),
        ({"events": ["StoryMerged"], "language": ["fr"], "source": ["MNA"]}, [OTHER, ARTICLE], False),  # not mixed
        ({"events": ["StoryMerged"], "query": "envoy"}, [OTHER, ARTICLE], True),  # a2 no, a1 yes
        ({"events": ["StoryMerged"], "query": "envoy"}, [OTHER], False),
        ({"entity": ["Kazem Gharibabadi"]}, [ARTICLE], False),  # merges not asked for
    ],
)
def test_a_merge_goes_to_subscriptions_that_asked_and_that_a_moved_article_matches(
    filters: dict, moved: list[EnrichedArticle], expected: bool
) -> None:
    def text(article_id: str, query: str) -> bool:
        return (article_id, query) == ("a1", "envoy")

    assert bool(merge_matching(moved, [subscribed(**filters)], text)) is expected


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff_s(n, 5) for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert backoff_s(30, 5) == 3600


def test_a_webhook_signature_checks_with_the_ingest_scheme() -> None:
    body = EVENT.model_dump_json().encode()
    headers = signed_headers("whsec_x", body, {"delivery_id": 7, "subscription_id": "s"}, 1_700_000_000)
    ts, sig = headers["X-Newsflow-Timestamp"], headers["X-Newsflow-Signature"]
    assert headers["X-Newsflow-Delivery"] == "7"
    assert headers["X-Newsflow-Event"] == "ArticleStored"  # rows before StoryMerged deliveries say nothing
    merge = {"delivery_id": 8, "subscription_id": "s", "event": "StoryMerged"}
    assert signed_headers("whsec_x", body, merge, 1_700_000_000)["X-Newsflow-Event"] == "StoryMerged"
    assert signature_problem("whsec_x", ts, sig, body) is not None  # too old for now: replay refused
    import time

    fresh = signed_headers("whsec_x", body, {"delivery_id": 7, "subscription_id": "s"}, time.time())
    assert signature_problem("whsec_x", fresh["X-Newsflow-Timestamp"], fresh["X-Newsflow-Signature"], body) is None
    assert signature_problem("other", fresh["X-Newsflow-Timestamp"], fresh["X-Newsflow-Signature"], body)
