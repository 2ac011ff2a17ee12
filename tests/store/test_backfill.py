"""Backfill on a real store (SQLite, then PostgreSQL): a story placed before the store kept member
vectors and word counts (a database upgraded to revision 0003) takes its next article only once the
backfill has given its articles what placement keeps; the backfill counts each article once."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import delete, func, insert, select, update
from typer.testing import CliRunner

from services.cli import app as cli
from services.store import schema
from services.store.backfill import backfill
from services.store.core import to_rows
from services.store.repository import Store, database_engine
from services.store.tables import article_vectors, articles, stories, term_counts

from .test_merge_pass import LOHAN, NOW, led_by_lohan


def placed_before_0003(store: Store) -> str:
    """Two articles of one story, then their vectors and counts gone, as after the upgrade: the story."""
    for item in LOHAN[:2]:
        store.save(to_rows(item, NOW))
    with store.engine.begin() as conn:
        conn.execute(delete(article_vectors))
        conn.execute(delete(term_counts))
        story_ids = set(conn.execute(select(articles.c.story_id)).scalars())
    assert len(story_ids) == 1
    return story_ids.pop()


def story_of(store: Store, article_id: str) -> str:
    with store.engine.connect() as conn:
        return conn.execute(select(articles.c.story_id).where(articles.c.article_id == article_id)).scalar_one()


def counted_articles(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.sum(term_counts.c.articles)).where(term_counts.c.term == "")).scalar() or 0)


def test_without_backfill_the_next_article_starts_a_story_of_its_own(store: Store) -> None:
    story = placed_before_0003(store)
    store.save(to_rows(LOHAN[2], NOW))
    assert story_of(store, LOHAN[2].article_id) != story


def test_after_backfill_the_next_article_joins_and_a_second_run_adds_nothing(store: Store) -> None:
    story = placed_before_0003(store)
    seen: list[int] = []
    done = backfill(store.engine, batch=1, progress=seen.append)
    assert (done.added, done.unreadable, seen) == (2, [], [1, 1])
    assert counted_articles(store) == 2
    assert backfill(store.engine).added == 0
    assert counted_articles(store) == 2  # not counted twice

    store.save(to_rows(LOHAN[2], NOW))
    assert story_of(store, LOHAN[2].article_id) == story
    with store.engine.connect() as conn:
        members = conn.execute(select(article_vectors.c.story_id)).scalars().all()
    assert members == [story] * 3


def test_stories_older_than_the_window_are_left(store: Store) -> None:
    placed_before_0003(store)
    late = LOHAN[2].model_copy(update={"article_id": "late", "published_at": NOW.replace(year=NOW.year + 1)})
    store.save(to_rows(late, NOW))  # a story a year after the others: the window counts back from it
    done = backfill(store.engine, days=14)
    assert done.added == 0  # "late" has its vector already; the old story is outside the window


def test_backfill_command_on_an_empty_store_and_after_an_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("NEWSFLOW_DATABASE_URL", url)
    store = Store(database_engine(url))
    store.create_schema()
    empty = CliRunner().invoke(cli, ["stories", "backfill"])
    assert empty.exit_code == 0 and "no stories" in empty.output
    placed_before_0003(store)
    done = CliRunner().invoke(cli, ["stories", "backfill", "--days", "3"])
    assert done.exit_code == 0, done.output
    assert "2 articles of stories active since" in done.output
    store.engine.dispose()


def test_upgrading_from_before_member_vectors_says_to_backfill(tmp_path: Path) -> None:
    def upgrade(name: str, stored: bool) -> str:
        env = {"NEWSFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/{name}.db"}
        engine = database_engine(env["NEWSFLOW_DATABASE_URL"])
        with engine.begin() as conn:
            command.upgrade(schema.alembic_config(conn), "0002")  # the release before member vectors
            if stored:
                conn.execute(insert(stories).values(story_id="s1", article_count=0, first_seen=NOW, last_seen=NOW))
        engine.dispose()
        done = CliRunner().invoke(cli, ["db", "upgrade"], env=env)
        assert done.exit_code == 0, done.output
        return done.output

    assert "newsflow stories backfill" in upgrade("old", stored=True)
    assert "backfill" not in upgrade("empty", stored=False)  # no story to backfill


def test_members_kept_before_leads_were_get_their_lead_once(store: Store) -> None:
    for item in (led_by_lohan(), LOHAN[1]):
        store.save(to_rows(item, NOW))
    with store.engine.begin() as conn:
        for article_id, vector in conn.execute(select(article_vectors.c.article_id, article_vectors.c.vector)).all():
            old = {k: v for k, v in vector.items() if k != "lead"}
            conn.execute(update(article_vectors).where(article_vectors.c.article_id == article_id).values(vector=old))
    done = backfill(store.engine)
    assert (done.added, done.leads) == (0, 2)
    with store.engine.connect() as conn:
        leads = dict(conn.execute(select(article_vectors.c.article_id, article_vectors.c.vector)).all())
    assert {k: v["lead"] for k, v in leads.items()} == {"lohan-1": "lindsay lohan", "lohan-2": None}
    assert backfill(store.engine).leads == 0  # a null lead is a lead: not done again
