"""The store on both databases: idempotent upsert, change detection, one global entity row."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, inspect, select

from newsflow_schemas import EnrichedArticle, Entity
from services.store import queries
from services.store.core import to_rows
from services.store.repository import Store, database_engine
from services.store.tables import entities, mentions

from .older import forget_migrations

NOW = datetime(2024, 9, 8, 12, 0, tzinfo=UTC)


def article(article_id: str = "a1", trace_id: str = "t1", body: str = "Kazem Gharibabadi wrote to the UN.",
            names: tuple[str, ...] = ("Kazem Gharibabadi",)) -> EnrichedArticle:  # fmt: skip
    return EnrichedArticle(
        article_id=article_id,
        trace_id=trace_id,
        title="A letter",
        body=body,
        fingerprint="0123456789abcdef",
        entities=[Entity(name=name, type="PERSON", mentions=1, surface_forms=[name]) for name in names],
    )


def test_first_save_creates_then_the_same_content_again_is_unchanged(store: Store) -> None:
    assert store.save(to_rows(article(), NOW)) == "created"
    store.mark_announced("a1")
    assert store.save(to_rows(article(trace_id="t2"), NOW)) == "unchanged"  # submitted again
    assert store.save(to_rows(article(), NOW)) == "unchanged"  # redelivered
    assert store.count() == 1


def test_a_revision_never_announced_is_announced_on_redelivery(store: Store) -> None:
    # A crash between commit and publish must not swallow the ArticleStored event.
    assert store.save(to_rows(article(), NOW)) == "created"
    assert store.save(to_rows(article(), NOW)) == "created"
    store.mark_announced("a1")
    assert store.save(to_rows(article(), NOW)) == "unchanged"
    assert store.count() == 1


def test_a_database_from_an_older_release_gets_the_new_columns(tmp_path) -> None:
    engine = database_engine(f"sqlite:///{tmp_path}/old.db")
    old = Store(engine)
    old.create_schema()
    old.save(to_rows(article(), NOW))
    with engine.begin() as conn:
        forget_migrations(conn)
        conn.exec_driver_sql("DROP INDEX ix_articles_story_id")
        for column in ("announced_revision", "story_id", "duplicate_of"):
            conn.exec_driver_sql(f"ALTER TABLE articles DROP COLUMN {column}")

    Store(engine).create_schema()

    assert Store(engine).save(to_rows(article(), NOW)) == "unchanged"  # old rows count as announced
    columns = {c["name"] for c in inspect(engine).get_columns("articles")}
    assert {"announced_revision", "story_id", "duplicate_of"} <= columns
    assert "ix_articles_story_id" in {i["name"] for i in inspect(engine).get_indexes("articles")}


def test_changed_content_updates_the_row_and_bumps_the_revision(article_row, store: Store) -> None:
    store.save(to_rows(article(), NOW))
    corrected = "Kazem Gharibabadi wrote to the UN on Monday."
    assert store.save(to_rows(article(trace_id="t2", body=corrected), NOW)) == "updated"
    stored = article_row(store, "a1")
    assert stored is not None
    assert stored["revision"] == 2
    assert stored["body"] == corrected
    assert stored["trace_id"] == "t2"


def test_the_same_entity_in_two_articles_is_one_entity_row(article_row, store: Store) -> None:
    store.save(to_rows(article("a1"), NOW))
    store.save(to_rows(article("a2", trace_id="t2", names=("Kazem Gharibabadi", "Antonio Guterres")), NOW))
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(entities)).scalar_one() == 2
        assert conn.execute(select(func.count()).select_from(mentions)).scalar_one() == 3
    shown = article_row(store, "a2")
    assert shown is not None
    assert {e["name"] for e in shown["entities"]} == {"Kazem Gharibabadi", "Antonio Guterres"}


def test_nul_characters_are_stripped_before_the_database(article_row, store: Store) -> None:
    assert store.save(to_rows(article(body="Before\x00after."), NOW)) == "created"
    stored = article_row(store, "a1")
    assert stored is not None
    assert stored["body"] == "Beforeafter."


def test_list_articles_returns_newest_first(store: Store) -> None:
    store.save(to_rows(article("a1"), NOW))
    store.save(to_rows(article("a2", trace_id="t2"), NOW.replace(hour=13)))
    with store.engine.connect() as conn:
        rows, _ = queries.list_articles(conn, queries.ArticleFilter(), "stored", 10, None)
    assert [row["article_id"] for row in rows] == ["a2", "a1"]
    assert store.existing_ids(["a1", "zz"]) == {"a1"}


def test_a_batch_is_saved_in_one_transaction_and_a_failing_article_loses_only_itself(store: Store) -> None:
    good = to_rows(article("a1"), NOW)
    bad = to_rows(article("a2"), NOW)
    bad.article["word_count"] = None  # NOT NULL: this article's statement fails inside its savepoint
    other = to_rows(article("a3", body="Another body."), NOW)

    results = store.save_many([good, bad, other])

    assert [type(r).__name__ for r in results] == ["Saved", "IntegrityError", "Saved"]
    assert store.existing_ids(["a1", "a2", "a3"]) == {"a1", "a3"}
    store.mark_announced("a1", "a3")
    assert [r.change for r in store.save_many([good, other])] == ["unchanged", "unchanged"]  # type: ignore[union-attr]
