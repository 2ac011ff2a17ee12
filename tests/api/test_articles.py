"""The query API's article reads on SQLite and PostgreSQL: by id, latest with paging, by entity, story, time."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from services.api.app import create_app
from services.common.apikeys import key_digest
from services.common.settings import Settings
from services.store.repository import Store
from services.store.tables import stories

from .conftest import KEY
from .stories import HOSTILE_TITLE, LETTER, T0


def ids(page: dict[str, Any]) -> list[str]:
    return [item["article_id"] for item in page["items"]]


def get(client: TestClient, url: str, **params: Any) -> dict[str, Any]:
    response = client.get(url, params=params, headers=KEY)
    assert response.status_code == 200, response.text
    return response.json()


def test_an_article_by_id_is_the_whole_document_with_its_story(client: TestClient) -> None:
    found = get(client, "/v1/articles/letter")
    assert found["story_id"] == "story-1"
    assert found["revision"] == 1
    document = found["document"]
    assert document["body"] == LETTER.body
    [person] = [e for e in document["entities"] if e["name"] == "Kazem Gharibabadi"]
    span = person["spans"][0]
    assert document["body"][span["start"] : span["end"]] == "Kazem Gharibabadi"
    assert document["quotes"] == []  # enrichment does not find quotes yet: an empty list, not an error
    assert get(client, "/v1/articles/weather")["story_id"] is None


def test_an_unknown_article_is_404_with_a_reason(client: TestClient) -> None:
    response = client.get("/v1/articles/nope", headers=KEY)
    assert response.status_code == 404
    assert response.json() == {"detail": "no article nope"}


def test_latest_articles_come_newest_first_in_pages_linked_by_next(client: TestClient) -> None:
    first = get(client, "/v1/articles", limit=2)
    assert ids(first) == ["undated", "hostile"]
    assert first["items"][1]["title"] == HOSTILE_TITLE  # stored and served as it came: escaping is the page's job
    second = client.get(first["next"], headers=KEY).json()
    assert ids(second) == ["weather", "sanctions"]
    third = client.get(second["next"], headers=KEY).json()
    assert ids(third) == ["letter"]
    assert third["next"] is None
    assert first["items"][0]["stored_at"] == "2024-09-08T12:04:00Z"
    assert first["items"][0]["lead"] == "An article without a publication date, about markets."


def test_published_order_leaves_out_undated_articles(client: TestClient) -> None:
    page = get(client, "/v1/articles", order="published", limit=10)
    assert ids(page) == ["weather", "sanctions", "letter"]


def test_articles_by_entity_id_by_name_and_by_name_and_type(client: TestClient) -> None:
    [person] = get(client, "/v1/entities", name="kazem  GHARIBABADI")["items"]  # any case and spacing
    assert (person["name"], person["type"], person["articles"]) == ("Kazem Gharibabadi", "PERSON", 2)
    by_id = get(client, f"/v1/entities/{person['entity_id']}/articles")
    assert ids(by_id) == ["weather", "letter"]
    assert ids(get(client, "/v1/articles", entity_id=person["entity_id"])) == ["weather", "letter"]
    assert ids(get(client, "/v1/articles", entity="Kazem Gharibabadi")) == ["weather", "letter"]
    assert ids(get(client, "/v1/articles", entity="Kazem Gharibabadi", entity_type="PERSON")) == ["weather", "letter"]
    assert ids(get(client, "/v1/articles", entity="Kazem Gharibabadi", entity_type="ORG")) == []
    assert get(client, "/v1/entities", name="Nobody") == {"items": [], "next": None}
    assert client.get("/v1/entities/0000", headers=KEY).status_code == 404


def test_entities_come_by_name_in_pages_linked_by_next(client: TestClient) -> None:
    everything = get(client, "/v1/entities", limit=100)
    assert everything["next"] is None
    names = [(e["name"], e["entity_id"]) for e in everything["items"]]
    assert names == sorted(names) and len(names) > 3
    first = get(client, "/v1/entities", limit=2)
    second = client.get(first["next"], headers=KEY).json()
    assert [e["name"] for e in first["items"] + second["items"]] == [n for n, _ in names[:4]]
    people = get(client, "/v1/entities", type="PERSON", limit=100)["items"]
    assert people and {e["type"] for e in people} == {"PERSON"}
    assert client.get("/v1/entities", params={"cursor": "bogus"}, headers=KEY).status_code == 422


def test_list_items_carry_both_urls_as_the_document_does(client: TestClient) -> None:
    for item in get(client, "/v1/articles", limit=10)["items"]:
        document = get(client, f"/v1/articles/{item['article_id']}")["document"]
        assert (item["url"], item["canonical_url"]) == (document["url"], document["canonical_url"])


def test_articles_by_published_and_stored_time_range(client: TestClient) -> None:
    # 11:00+02:00 is 09:00Z: inclusive at the start, exclusive at the end.
    published = get(
        client, "/v1/articles", published_after="2024-09-07T11:00:00+02:00", published_before="2024-09-08T06:00:00Z"
    )
    assert ids(published) == ["sanctions", "letter"]
    stored = get(client, "/v1/articles", stored_after="2024-09-08T12:01:00Z", stored_before="2024-09-08T12:03:00")
    assert ids(stored) == ["weather", "sanctions"]


def test_stories_list_detail_and_articles_by_story(client: TestClient) -> None:
    [listed] = get(client, "/v1/stories")["items"]
    assert (listed["story_id"], listed["title"], listed["article_count"]) == ("story-1", "Iran and sanctions", 2)
    story = get(client, "/v1/stories/story-1", limit=1)
    assert ids(story["articles"]) == ["sanctions"]
    assert ids(client.get(story["articles"]["next"], headers=KEY).json()["articles"]) == ["letter"]
    assert ids(get(client, "/v1/articles", story_id="story-1")) == ["sanctions", "letter"]
    assert client.get("/v1/stories/none", headers=KEY).status_code == 404


def test_a_merged_story_answers_with_where_it_went(client: TestClient, store: Store) -> None:
    # As the merge pass leaves it (store/merge_pass.py): no articles, pointing at the survivor.
    with store.engine.begin() as conn:
        conn.execute(
            stories.insert().values(
                story_id="story-0",
                title="Iran",
                article_count=0,
                first_seen=T0,
                last_seen=T0,
                merged_into="story-1",
                merged_at=T0,
            )
        )
    moved = client.get("/v1/stories/story-0", params={"limit": 1}, headers=KEY, follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (308, "/v1/stories/story-1?limit=1")
    followed = client.get("/v1/stories/story-0", params={"limit": 1}, headers=KEY)
    assert (followed.json()["story_id"], ids(followed.json()["articles"])) == ("story-1", ["sanctions"])
    assert [s["story_id"] for s in get(client, "/v1/stories")["items"]] == ["story-1"]


def test_bad_parameters_are_422_and_say_which(client: TestClient) -> None:
    cases = {
        "/v1/articles?limit=0": "limit",
        "/v1/articles?limit=101": "limit",
        "/v1/articles?cursor=not-a-cursor": "cursor",
        "/v1/articles?published_after=yesterday": "published_after",
        "/v1/articles?published_after=2024-09-08T00:00:00Z&published_before=2024-09-07T00:00:00Z": "published_after",
        "/v1/articles?stored_after=2024-09-08T00:00:00Z&stored_before=2024-09-08T00:00:00Z": "stored_after",
        "/v1/events?updated_after=2024-09-08T00:00:00Z&updated_before=2024-09-07T00:00:00Z": "updated_after",
        "/v1/story-merges?merged_after=2024-09-08T00:00:00Z&merged_before=2024-09-07T00:00:00Z": "merged_after",
        "/v1/articles?entity_type=PERSON": "entity_type",
        "/v1/articles?entity_type=WIZARD&entity=x": "entity_type",
        "/v1/articles?entity=x&entity_id=y": "entity_id",
        "/v1/articles?order=random": "order",
        "/v1/search?q=": "q",
        "/v1/search?q=%20-rain": "q",
        "/v1/search?q=rain&offset=-1": "offset",
    }
    for url, parameter in cases.items():
        response = client.get(url, headers=KEY)
        assert response.status_code == 422, url
        assert parameter in response.text, (url, response.text)


def test_missing_or_wrong_key_is_401_with_a_clear_message(client: TestClient) -> None:
    for headers in ({}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer wrong"}):
        response = client.get("/v1/articles", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"detail": "missing or wrong API key: send it in the X-API-Key header"}
    assert client.get("/v1/articles", headers={"Authorization": "Bearer test-key"}).status_code == 200
    assert client.get("/v1/status").status_code == 401
    assert client.get("/healthz").json() == {"status": "ok"}  # probes need no key


def test_the_only_writes_are_webhook_subscriptions(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    writes = {path for path, item in spec["paths"].items() if set(item) - {"get"}}
    assert writes == {"/v1/subscriptions", "/v1/subscriptions/{subscription_id}",
                      "/v1/subscriptions/{subscription_id}/dead-letters:replay"}  # fmt: skip
    assert client.post("/v1/articles", json={"text": "x"}, headers=KEY).status_code == 405
    assert client.delete("/v1/articles/letter", headers=KEY).status_code == 405


def test_openapi_documents_every_endpoint_and_the_key(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/v1/articles",
        "/v1/articles/{article_id}",
        "/v1/search",
        "/v1/entities",
        "/v1/entities/{entity_id}",
        "/v1/entities/{entity_id}/articles",
        "/v1/stories",
        "/v1/stories/{story_id}",
        "/v1/status",
        "/v1/events",
        "/v1/story-merges",
        "/v1/subscriptions",
        "/v1/subscriptions/{subscription_id}",
        "/v1/subscriptions/{subscription_id}/dead-letters",
        "/v1/subscriptions/{subscription_id}/dead-letters:replay",
        "/healthz",
    } == set(spec["paths"])
    assert spec["components"]["securitySchemes"]["APIKeyHeader"]["name"] == "X-API-Key"
    assert "401" in spec["paths"]["/v1/articles"]["get"]["responses"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_the_docs_page_loads_nothing_from_another_host(client: TestClient) -> None:
    import re

    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assets = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
        assert assets, page
        assert not [a for a in assets if a.startswith(("http:", "https:", "//"))], (page, assets)
        for asset in assets:
            if asset.endswith((".js", ".css")):
                response = client.get(asset)
                assert response.status_code == 200 and len(response.content) > 10_000, asset


def test_the_dev_key_is_refused_once_digests_are_set(store: Store, settings: Settings) -> None:
    with_digests = settings.model_copy(
        update={"api_keys": [SecretStr("dev-key")], "api_key_digests": [key_digest("nf_q1")]}
    )
    with TestClient(create_app(with_digests)) as api:
        assert api.get("/v1/articles", headers={"X-API-Key": "dev-key"}).status_code == 401
        assert api.get("/v1/articles", headers={"X-API-Key": "nf_q1"}).status_code == 200


CURSOR_OF_BRACKETS = base64.urlsafe_b64encode(b"[" * 5_000).decode()


@pytest.mark.parametrize(
    ("path", "params", "which"),
    [
        ("/v1/articles", {"published_after": "0001-01-01T00:00:00+05:00"}, "published_after"),
        ("/v1/articles", {"stored_before": "9999-12-31T23:59:59-05:00"}, "stored_before"),
        ("/v1/articles", {"cursor": CURSOR_OF_BRACKETS}, "cursor"),
        ("/v1/entities", {"cursor": CURSOR_OF_BRACKETS}, "cursor"),
        ("/v1/search", {"q": "letter\x00"}, "q"),
        ("/v1/articles", {"entity": "Kazem\x00"}, "entity"),
        ("/v1/articles", {"story_id": "\x00"}, "story_id"),
        ("/v1/articles/a1%00", {}, "article_id"),
    ],
    ids=[
        "year-1",
        "year-9999",
        "cursor-of-brackets",
        "entity-cursor",
        "nul-in-q",
        "nul-in-entity",
        "nul-id",
        "nul-in-path",
    ],
)
def test_a_hostile_query_parameter_is_a_422_never_a_500(
    client: TestClient, path: str, params: dict[str, str], which: str
) -> None:
    response = client.get(path, params=params, headers=KEY)
    assert response.status_code == 422, response.text
    assert which in json.dumps(response.json()["detail"])


@pytest.mark.parametrize("path", ["/ui", "/v1/status/"])
def test_a_redirect_never_points_at_the_host_the_request_named(client: TestClient, path: str) -> None:
    response = client.get(path, headers={**KEY, "Host": "evil.example"}, follow_redirects=False)
    assert response.is_redirect
    location = response.headers["location"]
    assert location.startswith("/") and not location.startswith("//") and "evil.example" not in location
