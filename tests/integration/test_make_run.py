"""What `make run` stores, with webhook subscriptions and the query API on top: five worker processes
(deliver among them), real Redis, the store on SQLite as `make run` has it, and local HTTP receivers.

- Each webhook endpoint receives exactly the events its filters match (the expected set is found
  independently, through the query API's own filters and search), each once, each signed; a flaky
  endpoint gets them after retries, a dead one's end on its dead-letter list.
- The README's query API examples return results on this store.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from newsflow_harness.corpus import CORPUS
from newsflow_harness.local.servers import serving_app as serving
from newsflow_harness.local.workers import Workers
from newsflow_schemas import ArticleStored
from services.api.app import create_app
from services.common.connection import sync_client
from services.common.settings import Settings
from services.common.streamread import backlog_of
from services.deliver import outbox
from services.deliver.filters import Filters
from services.ingest.auth import signature_problem
from services.ingest.client import IngestClient
from services.ingest.files import find_files
from services.store.repository import Store, database_engine

from .conftest import API_KEY, pipeline_settings
from .receiver import Receiver

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]
README = Path(__file__).resolve().parents[2] / "README.md"
QUERY_KEY = "dev-key"  # the README's examples use the default key
FLAKY_FAILURES = 2

# path -> filters; /down answers 503 to everything
SUBSCRIPTIONS = {
    "/gharibabadi": Filters(entity=["Kazem Gharibabadi"]),
    "/flaky-us-politics": Filters(country=["US"], topic=["politics"]),
    "/sanctions": Filters(query="sanctions", language=["en"]),
    "/everything": Filters(),
    "/down": Filters(entity=["Kazem Gharibabadi"]),
}


@dataclass
class MakeRun:
    settings: Settings
    accepted: list[str]
    secrets: dict[str, str]  # path -> secret
    ids: dict[str, str]  # path -> subscription id
    receiver: Receiver
    api_url: str


@pytest.fixture(scope="module")
def make_run(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeRun]:
    if not (CORPUS / "seeds").is_dir() or not (CORPUS / "extraction-dev" / "html").is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    tmp = tmp_path_factory.mktemp("make-run")
    settings = pipeline_settings(redis_url, f"sqlite:///{tmp}/newsflow.db").model_copy(
        update={
            "api_keys": [SecretStr(QUERY_KEY)],
            "webhook_retry_s": 0.3,
            "webhook_max_attempts": 3,
            "webhook_poll_s": 0.2,
            "subscriptions_refresh_s": 0.5,
            "read_batch": 32,
        }
    )
    receiver = Receiver(failing=_failing)
    store = Store(database_engine(settings.database_url))
    store.create_schema()
    now = datetime.now(UTC)
    created = {path: outbox.add_subscription(store.engine, f"http://127.0.0.1:{receiver.port}{path}", filters, now)
               for path, filters in SUBSCRIPTIONS.items()}  # fmt: skip
    store.engine.dispose()

    workers = Workers(settings, tmp / "logs")
    client = sync_client(settings)
    started = time.monotonic()
    try:
        workers.start_all()
        ingest = IngestClient(f"http://{settings.ingest_host}:{settings.ingest_port}", API_KEY)
        report = ingest.submit_files(find_files([CORPUS / "seeds", CORPUS / "extraction-dev" / "html"]))
        ingest.close()
        assert len(report.accepted) == 113, report.rejected
        _wait(lambda: all(backlog_of(client, [s], g) == 0 for s, g in (
            (settings.stream_raw, "parse"), (settings.stream_parsed, "enrich"),
            (settings.stream_enriched, "store"), (settings.stream_stored, "deliver"))), "the pipeline to drain",
            workers)  # fmt: skip
        _wait(lambda: _pending_deliveries(settings) == 0, "every webhook delivery made or dead", workers)
        print(f"make run with webhooks: {time.monotonic() - started:.1f} s")
        with serving(create_app(settings)) as api_url:
            yield MakeRun(settings, [a for _p, a, _t in report.accepted],
                          {p: r["secret"] for p, r in created.items()},
                          {p: r["subscription_id"] for p, r in created.items()}, receiver, api_url)  # fmt: skip
    finally:
        workers.stop_all()
        receiver.close()
        prefix = settings.stream_raw.rsplit(".", 1)[0]
        if keys := list(client.scan_iter(match=f"{prefix}.*")):
            client.delete(*keys)
        client.close()


def _failing(path: str, calls: int) -> bool:
    """The dead endpoint always fails; a flaky one its first FLAKY_FAILURES POSTs."""
    return path == "/down" or (path.startswith("/flaky") and calls <= FLAKY_FAILURES)


def _pending_deliveries(settings: Settings) -> int:
    engine = database_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return outbox.waiting(conn)
    finally:
        engine.dispose()


def _wait(condition: Any, what: str, workers: Workers, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {w.log_path.name}\n{w.log_tail(1500)}" for w in workers.running)
            pytest.fail(f"timed out waiting for {what}\n{logs}")
        time.sleep(0.3)


def _get(run: MakeRun, path: str, **params: Any) -> dict[str, Any]:
    # No params at all for a `next` link: httpx would replace its query with empty ones.
    response = httpx.get(run.api_url + path, params=params or None, headers={"X-API-Key": QUERY_KEY}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _all(run: MakeRun, path: str, **params: Any) -> set[str]:
    """Every article id the query API lists for `path`, following `next`."""
    found: set[str] = set()
    page = _get(run, path, limit=100, **params)
    while True:
        found |= {item["article_id"] for item in page["items"]}
        if not page["next"]:
            return found
        page = _get(run, page["next"])


def _documents(run: MakeRun) -> dict[str, dict[str, Any]]:
    return {i: _get(run, f"/v1/articles/{i}")["document"] for i in _all(run, "/v1/articles")}


def _expected(run: MakeRun) -> dict[str, set[str]]:
    """What each subscription should get, found without the deliver stage's code: the query API's
    entity filter and search, and the stored documents' fields."""
    documents = _documents(run)
    english = {i for i, d in documents.items() if (d["detected_language"] or d["language"] or "").startswith("en")}
    us_politics = {
        i
        for i, d in documents.items()
        if "US" in [*d["countries"], d["main_country"]] and "politics" in {t["label"] for t in d["topics"]}
    }
    return {
        "/gharibabadi": _all(run, "/v1/articles", entity="Kazem Gharibabadi"),
        "/flaky-us-politics": us_politics,
        "/sanctions": _all(run, "/v1/search", q="sanctions") & english,
        "/everything": set(documents),
    }


def test_each_webhook_gets_exactly_the_events_its_filters_match_once_and_signed(make_run: MakeRun) -> None:
    run = make_run
    expected = _expected(run)
    assert expected["/everything"] == set(run.accepted)  # every article of the run stored, none else
    assert all(expected[p] for p in expected), {p: len(v) for p, v in expected.items()}  # none trivially empty
    assert expected["/gharibabadi"] < expected["/everything"] and expected["/sanctions"] < expected["/everything"]

    got: dict[str, list[str]] = {}
    for path, headers, body in run.receiver.received:
        problem = signature_problem(run.secrets[path], headers.get("X-Newsflow-Timestamp"),
                                    headers.get("X-Newsflow-Signature"), body)  # fmt: skip
        assert problem is None, (path, problem)
        assert headers["X-Newsflow-Subscription"] == run.ids[path]
        event = ArticleStored.model_validate_json(body)
        got.setdefault(path, []).append(event.article_id)
    for path, articles in expected.items():
        assert Counter(got.get(path, [])) == Counter(articles), path  # exactly these, each once
    assert "/down" not in got


def test_a_dead_endpoints_events_are_on_its_dead_letter_list_and_the_metrics_count(make_run: MakeRun) -> None:
    run = make_run
    dead = _get(run, f"/v1/subscriptions/{run.ids['/down']}/dead-letters", limit=100)["items"]
    assert {d["article_id"] for d in dead} == _all(run, "/v1/articles", entity="Kazem Gharibabadi")
    assert {d["attempts"] for d in dead} == {3} and {d["last_error"] for d in dead} == {"HTTP 503"}
    listed = {s["subscription_id"]: s["deliveries"] for s in _get(run, "/v1/subscriptions")["items"]}
    assert listed[run.ids["/down"]] == {"pending": 0, "delivered": 0, "dead": len(dead)}
    flaky = listed[run.ids["/flaky-us-politics"]]
    assert flaky["dead"] == 0 and flaky["delivered"] == len(_expected(run)["/flaky-us-politics"])


def readme_examples() -> list[str]:
    """The curl lines of the README's query API section."""
    section = README.read_text().split("## The query API and web page", 1)[1].split("\n## ", 1)[0]
    return [line.split("  #")[0].strip() for line in section.splitlines() if line.startswith("curl ")]


def test_the_readmes_query_api_examples_return_results(make_run: MakeRun) -> None:
    examples = readme_examples()
    assert len(examples) >= 4
    for example in examples:
        command = shlex.split(example.replace("http://127.0.0.1:8001", make_run.api_url))
        result = subprocess.run([*command, "--silent", "--show-error", "--fail"], capture_output=True, text=True,
                                timeout=30)  # fmt: skip
        assert result.returncode == 0, f"{example}\n{result.stderr}"
        answer = json.loads(result.stdout)
        assert answer["items"], f"no results on a make run store: {example}"
        assert re.search(r"/v1/\w+", example)
