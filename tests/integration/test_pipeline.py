"""End to end: seeds through the HTTP API and four worker processes into the database and the event stream."""

from __future__ import annotations

import pytest

from newsflow_schemas import EnrichedArticle

from .conftest import Pipeline

pytestmark = pytest.mark.integration

FETCHED = "2024-09-08T06:00:00Z"


def test_seeds_are_stored_with_entities_and_announced(article_row, pipeline: Pipeline, seeds: dict[str, str]) -> None:
    accepted = {}
    for key, text in seeds.items():
        response = pipeline.submit({"text": text, "source": "mehrnews", "fetched_at": FETCHED})
        assert response.status_code == 202, response.text
        accepted[key] = response.json()["accepted"][0]
    ids = {a["article_id"] for a in accepted.values()}
    pipeline.wait_stored(ids)

    store = pipeline.store
    wire = article_row(store, accepted["003"]["article_id"])
    assert wire is not None
    assert wire["dateline_city"] == "Tehran"
    assert str(wire["dateline_date"]) == "2024-09-07"
    assert wire["agency"] == "MNA"
    assert "5880836" in wire["reference"]
    names = {e["name"] for e in wire["entities"]}
    assert "Kazem Gharibabadi" in names

    letter = article_row(store, accepted["000"]["article_id"])
    assert letter is not None
    assert "Creative Commons" not in letter["body"]
    assert "Creative Commons" in letter["license"]
    names = {e["name"] for e in letter["entities"]}
    assert {"Kazem Gharibabadi", "Antonio Guterres"} <= names
    assert any("MKO" in e["surface_forms"] for e in letter["entities"])
    document = EnrichedArticle.model_validate(letter["document"])
    assert document.trace_id == accepted["000"]["trace_id"]
    times = document.times
    assert times.ingested_at <= times.parsed_at <= times.enriched_at

    pipeline.wait_for(lambda: pipeline.redis.xlen(pipeline.settings.stream_stored) >= 2, "two ArticleStored events")
    events = {e.article_id: e for e in pipeline.stored_events()}
    assert set(events) == ids
    for article in accepted.values():
        event = events[article["article_id"]]
        assert event.change == "created"
        assert event.trace_id == article["trace_id"]
        assert event.times.stored_at is not None
    # One story told twice, in different words: one story id, and neither a copy of the other.
    assert {events[i].story_id for i in ids} == {letter["story_id"]} != {None}
    assert {events[i].duplicate_of for i in ids} == {None}
    store.engine.dispose()


def test_a_duplicate_submission_is_one_row_and_no_second_event(
    article_row, pipeline: Pipeline, seeds: dict[str, str]
) -> None:
    text = seeds["003"] + "\n\nA paragraph only this test adds."
    first = pipeline.submit({"text": text, "fetched_at": FETCHED}).json()["accepted"][0]
    pipeline.wait_stored({first["article_id"]})
    second = pipeline.submit({"text": text, "fetched_at": FETCHED}).json()["accepted"][0]
    assert second["article_id"] == first["article_id"]
    settings = pipeline.settings
    pipeline.wait_for(lambda: pipeline.group_done(settings.stream_enriched, "store")
                      and pipeline.group_done(settings.stream_raw, "parse")
                      and pipeline.group_done(settings.stream_parsed, "enrich"), "the duplicate to pass")  # fmt: skip
    events = [e for e in pipeline.stored_events() if e.article_id == first["article_id"]]
    assert [e.trace_id for e in events] == [first["trace_id"]]
    stored = article_row(pipeline.store, first["article_id"])
    assert stored is not None and stored["revision"] == 1
