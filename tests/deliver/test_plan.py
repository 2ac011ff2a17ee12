"""The deliver stage's planning over a real store: one event whose stored document cannot be read is
refused alone (dead-lettered), its siblings are matched and queued."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import update

from newsflow_schemas import ArticleStored, EnrichedArticle
from services.deliver.app import plan
from services.deliver.core import Subscription
from services.deliver.filters import Filters
from services.store.core import to_rows
from services.store.repository import Store, database_engine
from services.store.tables import articles

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
EVERYTHING = Subscription("s1", "http://127.0.0.1:9/hook", "secret", Filters())


def article(article_id: str) -> EnrichedArticle:
    return EnrichedArticle(article_id=article_id, trace_id="t", title="A letter", body="Words.", fingerprint="0" * 16)


def test_an_event_whose_stored_document_is_unreadable_is_refused_alone(tmp_path: Path) -> None:
    store = Store(database_engine(f"sqlite:///{tmp_path}/store.db"))
    store.create_schema()
    for article_id in ("good-1", "broken", "good-2"):
        store.save(to_rows(article(article_id), NOW))
    with store.engine.begin() as conn:  # a document no release could have written
        conn.execute(update(articles).where(articles.c.article_id == "broken").values(document={"title": 7}))
    events = [ArticleStored(article_id=a, trace_id="t", change="created") for a in ("good-1", "broken", "good-2")]

    with store.engine.begin() as conn:
        rows, refused = plan(conn, events, [EVERYTHING])

    assert sorted(row["article_id"] for row in rows) == ["good-1", "good-2"]
    assert list(refused) == [1]
    assert "cannot be matched" in refused[1] and "ValidationError" in refused[1]
    store.engine.dispose()
