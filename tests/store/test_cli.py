"""`newsflow stories list|show` and the story line of `newsflow articles show`, on a real SQLite store."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.cli import app
from services.store import queries
from services.store.core import to_rows
from services.store.repository import Store, database_engine

NOW = datetime(2026, 9, 8, 12, 0, tzinfo=UTC)


@pytest.fixture()
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed_000, seed_003) -> dict[str, str | None]:
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("NEWSFLOW_DATABASE_URL", url)
    store = Store(database_engine(url))
    store.create_schema()
    copy = seed_000.model_copy(update={"article_id": "copy", "body": "Home | World\n\n" + seed_000.body})
    saved = {a.article_id: store.save_revision(to_rows(a, NOW)).story_id for a in (seed_000, seed_003, copy)}
    store.engine.dispose()
    return saved


def test_stories_list_shows_each_story_with_its_articles(stored) -> None:
    result = CliRunner().invoke(app, ["stories", "list"])
    assert result.exit_code == 0, result.output
    story_id = stored["seed-000"]
    assert f"{story_id}  3 articles  2026-09-07 .. 2026-09-07" in result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[2:]}
    assert list(lines) == ["copy", "seed-000", "seed-003"]
    assert "Iran's top human rights chief has blasted" in lines["seed-000"]  # a wire's lede for its title
    assert "(copy of seed-000) Home | World" in lines["copy"]


def test_stories_list_json_is_one_story_per_line_newest_first(stored) -> None:
    result = CliRunner().invoke(app, ["stories", "list", "--json", "--limit", "5"])
    assert result.exit_code == 0, result.output
    (story,) = [json.loads(line) for line in result.output.splitlines()]
    assert story["story_id"] == stored["seed-003"]
    assert [a["article_id"] for a in story["articles"]] == ["copy", "seed-000", "seed-003"]
    assert story["articles"][0]["duplicate_of"] == "seed-000"
    empty = CliRunner().invoke(app, ["stories", "list", "--json", "--min-articles", "4"])
    assert empty.output == ""
    engine = database_engine(os.environ["NEWSFLOW_DATABASE_URL"])
    with engine.connect() as conn:
        assert (queries.count_stories(conn), queries.count_stories(conn, min_articles=4)) == (1, 0)
    engine.dispose()


def test_stories_show_lists_the_articles_and_an_unknown_story_fails(stored) -> None:
    result = CliRunner().invoke(app, ["stories", "show", stored["seed-000"]])
    assert result.exit_code == 0, result.output
    assert "3 articles" in result.output
    assert "seed-003" in result.output
    missing = CliRunner().invoke(app, ["stories", "show", "no-such-story"])
    assert missing.exit_code == 1


def test_articles_show_names_the_story_and_the_original(stored) -> None:
    result = CliRunner().invoke(app, ["articles", "show", "copy"])
    assert result.exit_code == 0, result.output
    assert f"story_id: {stored['seed-000']}" in result.output
    assert "duplicate_of: seed-000" in result.output
    as_json = json.loads(CliRunner().invoke(app, ["articles", "show", "seed-003", "--json"]).output)
    assert as_json["story_id"] == stored["seed-000"]
    assert as_json["duplicate_of"] is None


def test_articles_show_json_and_list_json_are_what_the_query_api_answers(stored, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient
    from pydantic import SecretStr

    from services.api.app import create_app
    from services.common.settings import Settings

    settings = Settings(database_url=os.environ["NEWSFLOW_DATABASE_URL"], api_keys=[SecretStr("k")])
    with TestClient(create_app(settings)) as client:
        api_article = client.get("/v1/articles/seed-003", headers={"X-API-Key": "k"}).json()
        api_list = client.get("/v1/articles", params={"limit": 3}, headers={"X-API-Key": "k"}).json()["items"]
    cli_article = json.loads(CliRunner().invoke(app, ["articles", "show", "seed-003", "--json"]).output)
    listed = CliRunner().invoke(app, ["articles", "list", "--json", "--limit", "3"]).output.splitlines()
    assert cli_article == api_article  # one shape: the article and its whole document, times alike
    assert [json.loads(line) for line in listed] == api_list
