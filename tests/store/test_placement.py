"""Stories and near-duplicates at store time, on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from newsflow_schemas import EnrichedArticle
from services.store.core import ArticleRows, stored_event, to_rows
from services.store.repository import Store, database_engine
from services.store.stories import features
from services.store.tables import article_bands, article_vectors, stories, term_counts

from .conftest import WEWORK, dev_page
from .older import forget_migrations

NOW = datetime(2026, 9, 8, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def wework(nlp) -> tuple[EnrichedArticle, EnrichedArticle]:
    first, second = (dev_page(page_id, nlp) for page_id in WEWORK)
    return first, second


def copy_of(article: EnrichedArticle, article_id: str) -> EnrichedArticle:
    """The same text as another site serves it: the last fifth gone, page furniture around it."""
    body = article.body[: int(len(article.body) * 0.8)]
    body = f"Home | World | Politics\n\n{body}\n\nSign up for our newsletter.\n\nShare this article: Facebook Twitter"
    return article.model_copy(update={"article_id": article_id, "trace_id": f"t-{article_id}", "body": body})


def on(article: EnrichedArticle, moment: datetime) -> EnrichedArticle:
    return article.model_copy(update={"published_at": moment})


def test_the_two_seeds_land_in_one_story(article_row, story_with_articles, store: Store, seed_000, seed_003) -> None:
    first = store.save_revision(to_rows(seed_000, NOW))
    second = store.save_revision(to_rows(seed_003, NOW))

    assert first.story_id is not None
    assert second.story_id == first.story_id
    assert (first.duplicate_of, second.duplicate_of) == (None, None)  # one story, not one text
    story = story_with_articles(store, first.story_id)
    assert story is not None
    assert story["article_count"] == 2
    assert [a["article_id"] for a in story["articles"]] == ["seed-000", "seed-003"]
    assert story["title"].startswith("Iran's top human rights chief has blasted the Western countries")
    # The letter has no date of its own (fetched 5 September); the interview's dateline dates the story.
    assert str(story["first_seen"])[:16] == str(story["last_seen"])[:16] == "2026-09-07 12:00"
    assert story["dated"]
    assert article_row(store, "seed-003")["story_id"] == first.story_id
    event = stored_event(seed_003, "created", NOW, second.revision, second.story_id, second.duplicate_of)
    assert event.story_id == first.story_id


@pytest.mark.parametrize("letter_first", [True, False], ids=["letter-first", "interview-first"])
def test_an_undated_letter_fetched_months_later_joins_the_dated_interview(
    story_with_articles, store: Store, seed_000, seed_003, letter_first: bool
) -> None:
    # What `make run` does with the seed files: nothing dates the letter but its ingestion, today.
    letter = seed_000.model_copy(update={"fetched_at": datetime(2026, 11, 26, 6, 0, tzinfo=UTC)})
    order = [letter, seed_003] if letter_first else [seed_003, letter]
    first, second = (store.save_revision(to_rows(article, NOW)) for article in order)

    assert second.story_id == first.story_id
    story = story_with_articles(store, first.story_id)
    assert str(story["first_seen"])[:10] == str(story["last_seen"])[:10] == "2026-09-07"


def test_an_unrelated_dev_page_of_the_same_days_starts_a_story_of_its_own(
    story_with_articles, store: Store, seed_000, seed_003, wework
):
    moment = datetime(2026, 9, 6, tzinfo=UTC)  # inside the seeds' window, so only the content can tell
    seeds = [store.save_revision(to_rows(seed, NOW)) for seed in (seed_000, seed_003)]
    page = store.save_revision(to_rows(on(wework[0], moment), NOW))

    assert page.story_id not in {s.story_id for s in seeds}
    assert story_with_articles(store, page.story_id)["article_count"] == 1
    assert story_with_articles(store, seeds[0].story_id)["article_count"] == 2


def test_two_sites_reporting_one_event_share_a_story(store: Store, wework) -> None:
    first, second = (store.save_revision(to_rows(page, NOW)) for page in wework)
    assert second.story_id == first.story_id
    assert second.duplicate_of is None  # two write-ups, not one text


def test_a_near_duplicate_points_at_its_original_and_joins_its_story(
    article_row, story_with_articles, store: Store, seed_000, seed_003
) -> None:
    original = store.save_revision(to_rows(seed_000, NOW))
    store.save_revision(to_rows(seed_003, NOW))
    copy = store.save_revision(to_rows(copy_of(seed_000, "copy-1"), NOW))
    copy_of_copy = store.save_revision(to_rows(copy_of(copy_of(seed_000, "copy-1"), "copy-2"), NOW))

    assert copy.duplicate_of == "seed-000"
    assert copy_of_copy.duplicate_of == "seed-000"  # the original, not the copy it was made from
    assert copy.story_id == copy_of_copy.story_id == original.story_id
    assert story_with_articles(store, original.story_id)["article_count"] == 4
    assert article_row(store, "copy-1")["duplicate_of"] == "seed-000"
    with store.engine.connect() as conn:
        keys = conn.execute(select(func.count()).select_from(article_bands)).scalar_one()
    assert keys == 4 * 32


def test_each_placed_article_is_a_member_and_counted_once_in_the_document_frequency(
    store: Store, seed_000, seed_003
) -> None:
    first = store.save_revision(to_rows(seed_000, NOW))
    store.save_revision(to_rows(seed_003, NOW))
    store.save_revision(to_rows(seed_000, NOW))  # a redelivery: not counted again
    with store.engine.connect() as conn:
        members = conn.execute(select(article_vectors.c.article_id, article_vectors.c.story_id)).all()
        counts = dict(
            conn.execute(
                select(term_counts.c.term, func.sum(term_counts.c.articles)).group_by(term_counts.c.term)
            ).all()
        )
    assert sorted(members) == [("seed-000", first.story_id), ("seed-003", first.story_id)]
    assert counts[""] == 2  # articles counted
    terms = [set(features(seed, NOW).terms()) for seed in (seed_000, seed_003)]
    both = terms[0] & terms[1]
    assert any(t.startswith("e ") for t in both) and any(t.startswith("w ") for t in both)  # names and words
    assert {counts[t] for t in both} == {2}
    assert {counts[t] for t in terms[0] ^ terms[1]} == {1}


def test_a_redelivery_or_an_update_is_not_counted_twice(story_with_articles, store: Store, seed_000) -> None:
    created = store.save_revision(to_rows(seed_000, NOW))
    again = store.save_revision(to_rows(seed_000, NOW))  # crash before the event: announced again
    store.mark_announced("seed-000")
    redelivered = store.save_revision(to_rows(seed_000, NOW))
    corrected = seed_000.model_copy(update={"body": seed_000.body + "\n\nThis article was corrected."})
    updated = store.save_revision(to_rows(corrected, NOW))

    assert [s.change for s in (created, again, redelivered, updated)] == ["created", "created", "unchanged", "updated"]
    assert {s.story_id for s in (created, again, redelivered, updated)} == {created.story_id}
    assert updated.duplicate_of is None  # not a copy of itself
    assert story_with_articles(store, created.story_id)["article_count"] == 1
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(stories)).scalar_one() == 1


def test_replicas_placing_at_the_same_moment_make_one_story(
    story_with_articles, new_postgres_database, seed_000, seed_003
) -> None:
    # Two replicas (engines) store the two seeds at once, a barrier lining their transactions up.
    # The seeds' entity rows exist beforehand (from an article of 2020, outside the window), so
    # nothing but the placement lock orders the two transactions: without it both see no story yet
    # and each starts one. Three databases, three tries.
    holder = on(seed_000, datetime(2020, 1, 1, tzinfo=UTC)).model_copy(
        update={
            "article_id": "holder",
            "body": "Only the entities of the letter.",
            "entities": seed_000.entities + seed_003.entities,
        }
    )
    for _ in range(3):
        url = new_postgres_database()
        setup = Store(database_engine(url))
        setup.create_schema()
        setup.save(to_rows(holder, NOW))
        replicas = [Store(database_engine(url)) for _ in range(2)]
        barrier = threading.Barrier(2)
        placed: list[str | None] = []

        def save(
            replica: Store, rows: ArticleRows, barrier: threading.Barrier = barrier, placed: list = placed
        ) -> None:
            barrier.wait()
            placed.append(replica.save_revision(rows).story_id)

        threads = [
            threading.Thread(target=save, args=(replica, to_rows(seed, NOW)))
            for replica, seed in zip(replicas, (seed_000, seed_003), strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(placed) == 2
        assert placed[0] == placed[1]
        assert story_with_articles(setup, placed[0])["article_count"] == 2
        for store in [setup, *replicas]:
            store.engine.dispose()


def test_a_database_from_before_stories_gets_them(
    article_row, story_with_articles, tmp_path: Path, seed_000, seed_003
) -> None:
    engine = database_engine(f"sqlite:///{tmp_path}/old.db")
    Store(engine).create_schema()
    Store(engine).save(to_rows(seed_000, NOW))
    with engine.begin() as conn:  # back to the tables of schema 1.1, with the stories table of 1.2's first cut
        forget_migrations(conn)
        conn.exec_driver_sql("DROP TABLE article_bands")
        conn.exec_driver_sql("DELETE FROM stories")
        for column in ("terms", "dated"):
            conn.exec_driver_sql(f"ALTER TABLE stories DROP COLUMN {column}")
        conn.exec_driver_sql("DROP INDEX ix_articles_story_id")
        for column in ("story_id", "duplicate_of"):
            conn.exec_driver_sql(f"ALTER TABLE articles DROP COLUMN {column}")

    store = Store(engine)
    store.create_schema()

    assert {"terms", "dated"} <= {c["name"] for c in inspect(engine).get_columns("stories")}
    assert "article_bands" in inspect(engine).get_table_names()
    assert article_row(store, "seed-000")["story_id"] is None  # stored before stories existed
    new = store.save_revision(to_rows(seed_003, NOW))
    assert new.story_id is not None
    corrected = seed_000.model_copy(update={"body": seed_000.body + "\n\nCorrected."})
    old = store.save_revision(to_rows(corrected, NOW))  # its next revision places it
    assert old.change == "updated"
    assert old.story_id == new.story_id
    assert story_with_articles(store, new.story_id)["article_count"] == 2
    engine.dispose()
