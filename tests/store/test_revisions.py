"""A resubmission never replaces a richer revision with a poorer one, unless it is newer by its own date."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from newsflow_schemas import EnrichedArticle
from services.store.core import to_rows
from services.store.repository import Store
from services.store.revisions import kept_reason

NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
BODY = "The city council of Northbridge voted on Tuesday to build a tram line to the harbour. " * 8


def document(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "parsed_from": "html",
        "body": BODY,
        "title": "Council approves a tram line",
        "authors": ["Maria Lindqvist"],
        "published_at": "2026-03-04T09:30:00+01:00",
        "description": "The tram line",
        "image_url": "https://news.example/logo.png",
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    ("incoming", "reason"),
    [
        (document(parsed_from="text"), "parsed from the page's HTML, this one from text only"),
        (document(body=BODY[: len(BODY) // 2]), "this body is shorter"),
        (document(authors=[], image_url=None), "this revision lacks authors, image_url"),
    ],
)
def test_a_poorer_resubmission_is_refused_with_why(incoming: dict[str, Any], reason: str) -> None:
    found = kept_reason(document(), incoming)
    assert found is not None and reason in found


@pytest.mark.parametrize(
    "incoming",
    [
        document(),  # the same again
        document(body=BODY + " A correction was added."),  # longer
        document(body=BODY[: int(len(BODY) * 0.95)]),  # a small cut is an edit, not a poorer text
        document(parsed_from="text", updated_at="2026-03-06T10:00:00+00:00", authors=[]),  # newer by its own date
        document(description=None, published_at="2026-03-06T00:00:00Z"),
    ],
)
def test_an_equal_richer_or_newer_resubmission_replaces_it(incoming: dict[str, Any]) -> None:
    assert kept_reason(document(), incoming) is None


def test_publication_dates_read_with_less_precision_are_not_newer() -> None:
    # news-please writes the page's 09:30+01:00 as "2026-03-04 09:30:00": an hour "later" read as UTC.
    news_please = document(parsed_from="text", published_at="2026-03-04T09:30:00")
    assert kept_reason(document(), news_please) is not None
    # The stored revision's parser found only the day; newspaper4k gives the time.
    day_only = document(published_at="2026-03-04T00:00:00+00:00")
    assert kept_reason(day_only, document(parsed_from="text", published_at="2026-03-04T09:30:00+01:00")) is not None
    next_week = document(parsed_from="text", published_at="2026-03-11T12:00:00")
    assert kept_reason(document(), next_week) is None


def test_an_update_time_an_hour_later_is_newer() -> None:
    old = document(updated_at="2026-03-04T10:00:00+01:00")
    assert kept_reason(old, document(parsed_from="text", updated_at="2026-03-04T11:00:00+01:00")) is None


def test_a_revision_from_before_schema_1_3_is_judged_on_body_and_fields() -> None:
    old = document(parsed_from=None)
    assert kept_reason(old, document(parsed_from="text")) is None
    assert kept_reason(old, document(parsed_from="text", body="short")) is not None


def enriched(parsed_from: str, body: str, **extra: Any) -> EnrichedArticle:
    return EnrichedArticle(
        article_id="a1",
        trace_id="t",
        title="Council approves a tram line",
        body=body,
        authors=["Maria Lindqvist"],
        parsed_from=parsed_from,  # type: ignore[arg-type]
        fingerprint="0123456789abcdef",
        **extra,
    )


def test_the_store_keeps_the_html_revision_when_newspaper_text_comes_again(article_row, store: Store) -> None:
    assert store.save_revision(to_rows(enriched("html", BODY), NOW)).change == "created"
    store.mark_announced("a1")

    saved = store.save_revision(to_rows(enriched("text", BODY[:200]), NOW))

    assert saved.change == "unchanged" and saved.revision == 1
    assert saved.kept is not None and "HTML" in saved.kept
    stored = article_row(store, "a1")
    assert stored is not None and stored["body"] == BODY and stored["document"]["parsed_from"] == "html"


def test_the_store_takes_a_poorer_revision_that_is_newer_by_its_date(store: Store) -> None:
    store.save_revision(to_rows(enriched("html", BODY, published_at=datetime(2026, 3, 4, tzinfo=UTC)), NOW))
    store.mark_announced("a1")

    saved = store.save_revision(to_rows(enriched("text", "Corrected. " * 30, updated_at=NOW), NOW))

    assert saved.change == "updated" and saved.revision == 2 and saved.kept is None
