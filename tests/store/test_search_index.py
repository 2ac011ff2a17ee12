"""The full-text index Store.create_schema makes follows the store's writes, and older databases get it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete

from newsflow_schemas import EnrichedArticle
from services.store.core import to_rows
from services.store.repository import Store
from services.store.search import search
from services.store.tables import articles

from .older import forget_migrations

NOW = datetime(2024, 9, 8, 12, 0, tzinfo=UTC)


def article(body: str, title: str = "A letter", article_id: str = "a1") -> EnrichedArticle:
    return EnrichedArticle(article_id=article_id, trace_id="t1", title=title, body=body, fingerprint="0" * 16)


def found(store: Store, query: str) -> list[str]:
    with store.engine.connect() as conn:
        return [hit["article_id"] for hit in search(conn, query, 10, 0)]


def test_an_upsert_with_new_text_replaces_the_old_words_in_the_index(store: Store) -> None:
    store.save(to_rows(article("The envoy wrote about sanctions."), NOW))
    store.save(to_rows(article("b", title="Other", article_id="a2"), NOW))
    assert found(store, "sanctions") == ["a1"]

    assert store.save(to_rows(article("The envoy wrote about elections."), NOW)) == "updated"

    assert found(store, "sanctions") == []
    assert found(store, "elections") == ["a1"]
    assert found(store, "letter") == ["a1"]  # the title, indexed too
    store.save(to_rows(article("The envoy wrote about elections."), NOW))  # unchanged: no second index entry
    assert found(store, "envoy") == ["a1"]


def test_a_deleted_article_leaves_the_index(store: Store) -> None:
    store.save(to_rows(article("The envoy wrote about sanctions."), NOW))
    with store.engine.begin() as conn:
        conn.execute(delete(articles).where(articles.c.article_id == "a1"))
    assert found(store, "sanctions") == []


def test_a_database_made_before_the_index_gets_it_with_its_rows_indexed(store: Store) -> None:
    store.save(to_rows(article("Stored before full-text search existed."), NOW))
    with store.engine.begin() as conn:
        forget_migrations(conn)
        if store.engine.dialect.name == "sqlite":
            for trigger in ("insert", "update", "delete"):
                conn.exec_driver_sql(f"DROP TRIGGER articles_fts_{trigger}")
            conn.exec_driver_sql("DROP TABLE articles_fts")
        else:
            conn.exec_driver_sql("ALTER TABLE articles DROP COLUMN search_vector")  # drops its index too

    Store(store.engine).create_schema()
    Store(store.engine).create_schema()  # and again: nothing is made twice

    assert found(store, "existed") == ["a1"]
    store.save(to_rows(article("Stored after.", article_id="a2"), NOW))
    assert sorted(found(store, "stored")) == ["a1", "a2"]
