"""The public contract: usable alone, JSON Schema files current, messages round-trip."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

from newsflow_schemas import SCHEMA_VERSION, ArticleStored, EnrichedArticle, RawArticle, StoryMerged, decode, streams
from newsflow_schemas.events import MERGED_EXAMPLE
from newsflow_schemas.export import DEFAULT_DIR, schema_files
from newsflow_schemas.wire import encode


def test_json_schema_files_are_current() -> None:
    expected = schema_files()
    on_disk = {path.name: path.read_text() for path in DEFAULT_DIR.glob("*.json")}
    stale = sorted(name for name in expected if on_disk.get(name) != expected[name])
    assert not stale, f"JSON Schemas out of date: {stale}; run `make schemas`"
    assert set(on_disk) == set(expected)


def test_the_schemas_package_imports_nothing_from_services() -> None:
    code = (
        "import sys, newsflow_schemas;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('services', 'faststream', 'redis', 'sqlalchemy')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_stamped_keeps_earlier_stage_times() -> None:
    ingested = datetime(2024, 9, 8, 6, tzinfo=UTC)
    parsed = datetime(2024, 9, 8, 7, tzinfo=UTC)
    raw = RawArticle(article_id="a", trace_id="t", content="x", content_type="text").stamped("ingest", ingested)
    later = raw.stamped("parse", parsed)
    assert (later.times.ingested_at, later.times.parsed_at) == (ingested, parsed)
    assert raw.times.parsed_at is None  # the original is not changed


def test_a_subscriber_on_an_older_contract_ignores_new_fields() -> None:
    event = ArticleStored.model_validate_json(
        '{"article_id": "a", "trace_id": "t", "change": "created", "some_future_field": 1}'
    )
    assert event.article_id == "a"


def test_enriched_message_round_trips_through_json() -> None:
    article = EnrichedArticle(article_id="a", trace_id="t", body="b", fingerprint="00ff00ff00ff00ff",
                              dateline={"city": "Tehran", "date": "2024-09-07"})  # fmt: skip
    assert EnrichedArticle.model_validate_json(article.model_dump_json()) == article


def test_a_story_merge_is_an_event_of_the_contract() -> None:
    merged = StoryMerged.model_validate(MERGED_EXAMPLE)
    assert (merged.schema_version, streams.MERGED) == (SCHEMA_VERSION, "stories.merged")
    assert decode(encode(merged), StoryMerged) == merged  # the wire's envelope, as the store writes it
    # A reader of an older 1.x ignores what it does not know.
    later = StoryMerged.model_validate({**MERGED_EXAMPLE, "some_future_field": 1})
    assert later == merged
    assert StoryMerged.model_json_schema()["required"] == [
        "merge_id", "story_id", "into_story_id", "article_ids", "merged_at", "score"
    ]  # fmt: skip
