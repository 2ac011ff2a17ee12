"""Full-text search through the API on SQLite (FTS5) and PostgreSQL (tsvector): ranking, snippets, paging."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.store.paging import BadParameter
from services.store.search import fts5_query, marked

from .conftest import KEY


def search(client: TestClient, q: str, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/search", params={"q": q, **params}, headers=KEY)
    assert response.status_code == 200, response.text
    return response.json()


def ids(page: dict[str, Any]) -> list[str]:
    return [hit["article_id"] for hit in page["items"]]


def test_a_stemmed_word_finds_every_form_and_a_title_match_ranks_first(client: TestClient) -> None:
    page = search(client, "sanction")
    # "Sanctions" in the title and "sanctioning" in the body beat "sanctions" twice in a body.
    assert ids(page) == ["sanctions", "letter"]
    assert page["items"][0]["rank"] > page["items"][1]["rank"]


def test_the_snippet_is_plain_text_with_offsets_of_the_matched_words(client: TestClient) -> None:
    [hit] = search(client, "Guterres")["items"]
    assert hit["article_id"] == "letter"
    assert "Guterres about the sanctions" in hit["snippet"]
    assert [hit["snippet"][start:end] for start, end in hit["highlights"]] == ["Guterres"]
    assert "\x02" not in hit["snippet"] and "\x03" not in hit["snippet"]


def test_phrases_alternatives_and_exclusions(client: TestClient) -> None:
    assert ids(search(client, '"expected in Tehran"')) == ["weather"]
    assert ids(search(client, '"Tehran expected"')) == []
    assert set(ids(search(client, "rain OR brussels"))) == {"weather", "sanctions"}
    assert ids(search(client, "Gharibabadi -rain")) == ["letter"]


def test_search_pages_by_offset_with_a_next_link(client: TestClient) -> None:
    first = search(client, "markets", limit=1)
    assert len(first["items"]) == 1
    second = client.get(first["next"], headers=KEY).json()
    assert len(second["items"]) == 1 and second["next"] is None
    assert {*ids(first), *ids(second)} == {"hostile", "undated"}


def test_search_syntax_from_users_is_never_an_error(client: TestClient) -> None:
    for q in ['"unbalanced', "AND ( NEAR", "title:rain", "rain*", "^rain", "OR rain OR", "'; DROP TABLE articles; --"]:
        response = client.get("/v1/search", params={"q": q}, headers=KEY)
        assert response.status_code == 200, (q, response.text)
    assert ids(search(client, "title:rain")) == []  # a column filter in FTS5 syntax is just words here
    assert client.get("/v1/articles/letter", headers=KEY).status_code == 200


def test_the_web_query_becomes_an_fts5_expression_of_quoted_words() -> None:
    assert fts5_query("iran sanctions") == '"iran" AND "sanctions"'
    assert fts5_query('"human rights" OR amnesty -report') == '("human rights" OR "amnesty") NOT "report"'
    assert fts5_query('say "hi""') == '"say" AND "hi"'
    assert fts5_query("a b -c") == '("a" AND "b") NOT "c"'
    assert fts5_query('a"b NEAR(x)') == '"a""b" AND "NEAR(x)"'  # a quote inside a word is escaped
    with pytest.raises(BadParameter):
        fts5_query("-only -excluded")
    with pytest.raises(BadParameter):
        fts5_query(' " ... " ')


def test_match_markers_become_offsets() -> None:
    assert marked("a \x02bc\x03 d \x02e\x03") == ("a bc d e", [(2, 4), (7, 8)])
    assert marked("no match") == ("no match", [])
