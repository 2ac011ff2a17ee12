"""ArticleStored 1.4 carries what a subscriber files an article by, and the stored document is complete."""

from __future__ import annotations

from datetime import UTC, datetime

from newsflow_schemas import ArticleStored, EnrichedArticle
from services.store.core import stored_event, to_rows

NOW = datetime(2026, 9, 8, 12, 0, tzinfo=UTC)


def test_a_wire_event_has_its_first_sentence_as_title_and_links_to_the_api(seed_003: EnrichedArticle) -> None:
    assert seed_003.title is None  # a wire has no title of its own
    event = stored_event(seed_003, "created", NOW, 1, "story-1", None, api_url="https://news.example/api/")

    assert event.title is not None and seed_003.body.startswith(event.title.removesuffix("..."))
    assert len(event.title) <= 120
    assert event.href == "https://news.example/api/v1/articles/seed-003"
    assert event.source == "mehrnews"
    assert event.word_count == seed_003.word_count > 100
    assert event.language == "en"
    assert (event.revision, event.change, event.story_id) == (1, "created", "story-1")
    assert event.times.stored_at == NOW and event.times.enriched_at == seed_003.times.enriched_at


def test_a_page_event_keeps_its_title_and_both_urls() -> None:
    page = EnrichedArticle(
        article_id="a/1", trace_id="t", body="Body.", fingerprint="0" * 16, title="A title",
        url="https://m.example.com/a?utm=x", canonical_url="https://example.com/a", word_count=1,
    )  # fmt: skip
    event = stored_event(page, "updated", NOW, 2)
    assert (event.title, event.url, event.canonical_url) == (
        "A title",
        "https://example.com/a",
        "https://example.com/a",
    )
    assert event.href == "http://127.0.0.1:8001/v1/articles/a%2F1"  # the id is one path segment


def test_an_older_subscriber_reads_a_1_4_event_and_a_1_4_subscriber_an_older_event() -> None:
    new = stored_event(
        EnrichedArticle(article_id="a", trace_id="t", body="b", fingerprint="0" * 16), "created", NOW
    ).model_dump_json()
    old_fields = {"article_id", "trace_id", "times", "change", "revision", "url", "title", "language",
                  "published_at", "entity_count", "story_id", "duplicate_of", "schema_version"}  # fmt: skip
    assert old_fields < set(ArticleStored.model_validate_json(new).model_dump())
    old = ArticleStored.model_validate({"article_id": "a", "trace_id": "t", "change": "created"})
    assert (old.href, old.word_count, old.source) == (None, None, None)


def test_the_stored_document_has_its_language_and_its_stored_time(seed_000: EnrichedArticle) -> None:
    assert seed_000.language is None and seed_000.detected_language == "en"
    rows = to_rows(seed_000, NOW)
    document = rows.article["document"]
    assert document["language"] == "en"
    assert document["times"]["stored_at"] == NOW.isoformat().replace("+00:00", "Z")
    assert document["detected_language"] == "en"


def test_a_declared_language_stays_the_documents() -> None:
    article = EnrichedArticle(article_id="a", trace_id="t", body="b", fingerprint="0" * 16, language="en-GB",
                              detected_language="en")  # fmt: skip
    assert to_rows(article, NOW).article["document"]["language"] == "en-GB"
