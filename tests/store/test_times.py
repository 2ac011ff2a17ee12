"""Datetimes reach both databases as the same instant: SQLite keeps no offset, so the store writes UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsflow_schemas import EnrichedArticle
from services.store.core import to_rows
from services.store.repository import Store, database_engine

TEHRAN = timezone(timedelta(hours=3, minutes=30))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_publication_time_with_an_offset_is_stored_as_the_same_instant(
    article_row, backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/store.db" if backend == "sqlite" else request.getfixturevalue("postgres_url")
    store = Store(database_engine(url))
    store.create_schema()
    published = datetime(2024, 9, 7, 12, 0, tzinfo=TEHRAN)
    article = EnrichedArticle(article_id="a1", trace_id="t1", body="b", fingerprint="0" * 16, published_at=published)

    store.save(to_rows(article, datetime.now(UTC)))

    stored = article_row(store, "a1")
    assert stored is not None
    as_read = stored["published_at"]
    assert (as_read if as_read.tzinfo else as_read.replace(tzinfo=UTC)) == published  # 08:30 UTC
    assert stored["document"]["published_at"] == "2024-09-07T12:00:00+03:30"  # the document keeps the offset
    store.engine.dispose()
