"""The committed AsyncAPI document: current, complete, and valid for the official AsyncAPI parser.

The committed file describes a default install, so it is regenerated here in a subprocess without
any NEWSFLOW_*/REDIS_URL/DATABASE_URL variables (and without importing the stage apps into pytest).
Validation uses @asyncapi/parser from npm, pinned in package.json next to this file.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
COMMITTED = REPO / "schemas" / "asyncapi.json"
SETTINGS_VARIABLES = ("REDIS_URL", "DATABASE_URL")

# address -> payload model, and whether the pipeline's own stages read it
EXPECTED = {
    "articles.raw": ("RawArticle", True),
    "articles.parsed": ("ParsedArticle", True),
    "articles.enriched": ("EnrichedArticle", True),
    "articles.stored": ("ArticleStored", True),  # the deliver stage's input
    "stories.merged": ("StoryMerged", True),  # the store's merge pass; deliver reads it for webhooks
    "articles.dlq": ("DeadLetter", False),
}


def _default_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_") and k not in SETTINGS_VARIABLES}


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    assert COMMITTED.exists(), "schemas/asyncapi.json is missing: run `make asyncapi`"
    document: dict[str, Any] = json.loads(COMMITTED.read_text(encoding="utf-8"))
    return document


def test_committed_document_is_current(tmp_path: Path) -> None:
    fresh = tmp_path / "asyncapi.json"
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "asyncapi", "--out", str(fresh)],
        cwd=REPO,
        env=_default_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert fresh.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8"), (
        "schemas/asyncapi.json is stale: run `make asyncapi` and commit the result"
    )


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _payload_models(document: dict[str, Any], channel: dict[str, Any]) -> set[str]:
    models = set()
    for message_ref in channel["messages"].values():
        payload_ref = _resolve(document, message_ref["$ref"])["payload"]["$ref"]
        assert payload_ref.startswith("#/components/schemas/")
        models.add(_resolve(document, payload_ref)["title"])
    return models


@pytest.mark.parametrize("address", list(EXPECTED))
def test_every_stream_has_its_model(committed: dict[str, Any], address: str) -> None:
    import newsflow_schemas

    model_name, read_by_a_stage = EXPECTED[address]
    channels = {name: ch for name, ch in committed["channels"].items() if ch["address"] == address}
    assert channels, f"no channel for {address}"
    for channel in channels.values():
        assert _payload_models(committed, channel) == {model_name}

    # The schema is the Pydantic model's: same fields, same required ones.
    model_schema = getattr(newsflow_schemas, model_name).model_json_schema()
    schema = committed["components"]["schemas"][model_name]
    assert list(schema["properties"]) == list(model_schema["properties"])
    assert schema.get("required") == model_schema.get("required")

    operations = [op for op in committed["operations"].values() if op["channel"]["$ref"].split("/")[-1] in channels]
    actions = {op["action"] for op in operations}
    assert "send" in actions, f"nobody publishes {address}"
    assert ("receive" in actions) == read_by_a_stage


def test_the_stored_event_has_its_example(committed: dict[str, Any]) -> None:
    from newsflow_schemas.events import STORED_EXAMPLE

    messages = [m for name, m in committed["components"]["messages"].items() if name.startswith("articles.stored:")]
    assert messages and all(m["examples"] == [{"name": "ArticleStored 1", "payload": STORED_EXAMPLE}] for m in messages)


def test_the_merge_event_has_its_example(committed: dict[str, Any]) -> None:
    from newsflow_schemas.events import MERGED_EXAMPLE

    messages = [m for name, m in committed["components"]["messages"].items() if name.startswith("stories.merged:")]
    assert messages and all(m["examples"] == [{"name": "StoryMerged 1", "payload": MERGED_EXAMPLE}] for m in messages)


def test_server_has_no_credentials_or_process_names(committed: dict[str, Any]) -> None:
    text = json.dumps(committed)
    assert "consumerName" not in text
    assert [s["protocol"] for s in committed["servers"].values()] == ["redis"]
    assert all("@" not in s["host"] for s in committed["servers"].values())


@pytest.fixture(scope="module")
def validator() -> Path:
    """tests/asyncapi with @asyncapi/parser installed (npm install on first use)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed: cannot run the official AsyncAPI parser")
    if not (HERE / "node_modules" / "@asyncapi" / "parser").is_dir():
        result = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, f"npm install failed:\n{result.stdout}\n{result.stderr}"
    return HERE


def _validate(directory: Path, document: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", "validate.mjs", os.path.relpath(document, directory)],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_official_parser_accepts_the_document(validator: Path) -> None:
    result = _validate(validator, COMMITTED)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid AsyncAPI 3.0.0" in result.stdout


def _drop_info_version(document: dict[str, Any]) -> None:
    del document["info"]["version"]  # required by the AsyncAPI 3.0.0 schema


def _dangling_payload(document: dict[str, Any]) -> None:
    message = document["components"]["messages"]["articles.stored:Publisher:Message"]
    message["payload"] = {"$ref": "#/components/schemas/NoSuchModel"}


def _wrong_action(document: dict[str, Any]) -> None:
    document["operations"]["articles.stored:Publisher"]["action"] = "publish"  # 2.x word; 3.0 has send/receive


@pytest.mark.parametrize("breakage", [_drop_info_version, _dangling_payload, _wrong_action])
def test_official_parser_rejects_a_broken_copy(
    validator: Path, committed: dict[str, Any], tmp_path: Path, breakage: Any
) -> None:
    broken = copy.deepcopy(committed)
    breakage(broken)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    result = _validate(validator, path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error " in result.stdout
