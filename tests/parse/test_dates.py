"""The displayed publication date and how it is weighed against the markup's and htmldate's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import lxml.html
import pytest

from services.parse.dates import DisplayedDate, choose_published, displayed_date

FETCHED = datetime(2026, 6, 1, tzinfo=UTC)


def shown(body: str, language: str | None = "de") -> DisplayedDate | None:
    return displayed_date(lxml.html.fromstring(f"<html><body>{body}</body></html>"), language, FETCHED)


@pytest.mark.parametrize(
    ("body", "language", "day"),
    [
        ("<p>- Veröffentlicht am 13. Mai 2026 um 15:44</p>", "de", date(2026, 5, 13)),
        ("<span>Stand:</span> <time>03.05.2024 12:00 Uhr</time>", "de", date(2024, 5, 3)),
        ("<div>Publié le 3 mars 2025 à 08h00</div>", "fr", date(2025, 3, 3)),
        ("<div>Publicado el 4 de abril de 2025</div>", "es", date(2025, 4, 4)),
        ("<p>Published May 13, 2026</p>", "en", date(2026, 5, 13)),
        ("<p>Published 05/04/2026</p>", "en-US", date(2026, 5, 4)),
        ("<p>Published 05/04/2026</p>", "en-GB", date(2026, 4, 5)),
    ],
)
def test_a_labelled_date_is_read_in_the_pages_language(body, language, day):
    found = shown(body, language)
    assert found is not None and found.day == day


def test_a_label_inside_a_sentence_is_not_a_date_line():
    assert shown("<p>Our policy, which has also been updated and became effective May 23rd, 2018.</p>", "en") is None


def test_the_publication_label_wins_over_an_update_label():
    found = shown("<p>Aktualisiert am 14.05.2026</p><p>Veröffentlicht am 12.05.2026</p>")
    assert found == DisplayedDate(date(2026, 5, 12), updated=False)


def test_a_date_after_the_fetch_is_ignored():
    assert shown("<p>Veröffentlicht am 13.05.2027</p>") is None


def test_markup_on_the_displayed_day_keeps_its_time_and_offset():
    markup = datetime(2026, 5, 12, 22, 30, tzinfo=UTC)  # 00:30 on the 13th in Berlin
    assert choose_published(markup, DisplayedDate(date(2026, 5, 13), False), None) == markup


def test_markup_far_from_the_displayed_day_gives_way_to_it():
    markup = datetime(2026, 5, 7, tzinfo=timezone(timedelta(hours=2)))
    assert choose_published(markup, DisplayedDate(date(2026, 5, 13), False), None) == datetime(2026, 5, 13, tzinfo=UTC)


def test_an_update_day_never_overrides_a_stated_date():
    markup = datetime(2020, 7, 10, 14, 15, tzinfo=UTC)
    assert choose_published(markup, DisplayedDate(date(2025, 1, 7), True), None) == markup
    assert choose_published(None, DisplayedDate(date(2025, 1, 7), True), None) == datetime(2025, 1, 7, tzinfo=UTC)
