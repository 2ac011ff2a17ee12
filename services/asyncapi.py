"""One AsyncAPI 3.0.0 document for the whole pipeline: the contract a subscriber codes against.

FastStream 0.7.8 generates AsyncAPI 3.0.0 by default (2.6.0 on request); this module uses 3.0.0.
Each stage app (`services.{parse,enrich,store}.app:app`) describes its own subscribers and
publishers through the API `faststream docs gen` uses (`AsyncAPI(broker).to_specification()`,
then `.to_jsonable()`); the documents are merged into one. Payload schemas are the
`newsflow_schemas` Pydantic models the handlers are typed with.

Three streams are written where no stage app's typed publisher can describe them; a broker that is
never connected declares them, so they come out in exactly the same shape as the generated channels:

- `articles.raw` (RawArticle): the ingest HTTP API, whose broker exists only inside create_app()
  and whose publisher is untyped (services/ingest/app.py);
- `articles.stored` (ArticleStored): the store adds it with a Lua script, once per revision
  (services/store/announce.py);
- `articles.dlq` (DeadLetter): every stage's dead-letter middleware (services/common/deadletter.py).

Importing the stage apps builds their brokers from the NEWSFLOW_* settings but connects nothing;
stream names and the server therefore follow the same settings the workers would use.
"""

from __future__ import annotations

import warnings
from importlib import import_module
from importlib.metadata import version
from typing import Any

from faststream.redis import RedisBroker
from faststream.specification import AsyncAPI

from newsflow_schemas import SCHEMA_VERSION, ArticleStored, DeadLetter, RawArticle

ASYNCAPI_VERSION = "3.0.0"
STAGE_APPS = ("services.parse.app", "services.enrich.app", "services.store.app")
TITLE = "newsflow"
DESCRIPTION = (
    "News pipeline over Redis Streams: ingest -> articles.raw -> parse -> articles.parsed -> enrich -> "
    "articles.enriched -> store -> articles.stored. Each entry is FastStream's binary envelope around a JSON "
    f"body matching the payload schema (schema_version {SCHEMA_VERSION}). Stages read in consumer groups "
    "named after the stage; any other subscriber should read with a group of its own. Entries a stage "
    "cannot handle go to articles.dlq as DeadLetter."
)


def asyncapi_document() -> dict[str, Any]:
    """The merged AsyncAPI document as JSON-ready data (channels in pipeline order)."""
    parts = [_generated(import_module(name).app.broker) for name in STAGE_APPS]
    parts.append(_generated(_side_publications()))
    doc: dict[str, Any] = {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {"title": TITLE, "version": version("newsflow"), "description": DESCRIPTION},
        "defaultContentType": "application/json",
        "servers": {},
        "channels": {},
        "operations": {},
        "components": {"messages": {}, "schemas": {}},
    }
    for part in parts:
        for section in ("servers", "channels", "operations"):
            _add(doc[section], part.get(section, {}), section)
        for section in ("messages", "schemas"):
            _add(doc["components"][section], part.get("components", {}).get(section, {}), section)
    for channel in doc["channels"].values():
        # host-pid of whichever process generated the file: not part of the contract, and it would
        # make every regeneration differ.
        channel.get("bindings", {}).get("redis", {}).pop("consumerName", None)
    _sort(doc)
    return doc


def _sort(doc: dict[str, Any]) -> None:
    """Pipeline order, then by name: FastStream keeps publishers in a WeakSet, whose order varies per run."""
    settings = import_module("services.store.app").settings
    streams = [settings.stream_raw, settings.stream_parsed, settings.stream_enriched]
    streams += [settings.stream_stored, settings.stream_dlq]

    def stream_position(channel: str) -> tuple[int, str]:
        address = doc["channels"][channel]["address"]
        return (streams.index(address) if address in streams else len(streams), channel)

    channels = sorted(doc["channels"], key=stream_position)
    rank = {name: i for i, name in enumerate(channels)}
    operations = doc["operations"]
    # A message is named "<channel>:<message>": ranking by that prefix keeps it next to its channel.
    messages = doc["components"]["messages"]
    doc["channels"] = {name: doc["channels"][name] for name in channels}
    doc["operations"] = {
        name: operations[name]
        for name in sorted(operations, key=lambda o: (rank[operations[o]["channel"]["$ref"].split("/")[-1]], o))
    }
    doc["components"]["messages"] = {
        name: messages[name] for name in sorted(messages, key=lambda m: (rank.get(m.rsplit(":", 1)[0], len(rank)), m))
    }
    doc["components"]["schemas"] = dict(sorted(doc["components"]["schemas"].items()))


def _generated(broker: RedisBroker) -> dict[str, Any]:
    with warnings.catch_warnings():
        # A handler may be subscribed more than once to its stream (new entries, retries, partitions)
        # with the same description, and FastStream warns that it keeps one of them.
        warnings.filterwarnings("ignore", message="Overwrite channel handler", category=RuntimeWarning)
        spec = AsyncAPI(broker, schema_version=ASYNCAPI_VERSION).to_specification()
    jsonable: dict[str, Any] = spec.to_jsonable()
    return jsonable


def _side_publications() -> RedisBroker:
    """A broker, never started, declaring the streams the stage apps cannot describe."""
    settings = import_module("services.store.app").settings  # the same settings the stages use
    broker = RedisBroker(settings.redis_url)
    broker.publisher(
        stream=settings.stream_raw,
        schema=RawArticle,
        description="Every article the ingest HTTP API accepted.",
    )
    broker.publisher(
        stream=settings.stream_stored,
        schema=ArticleStored,
        description="Once per new or changed article revision, added by the store's Lua script.",
    )
    broker.publisher(
        stream=settings.stream_dlq,
        schema=DeadLetter,
        description="Entries a stage rejected or failed max_deliveries times, with the reason and payload.",
    )
    return broker


def _add(target: dict[str, Any], items: dict[str, Any], section: str) -> None:
    for key, value in items.items():
        # Shared models (StageTimes, ParsedArticle...) appear in several apps: they must agree.
        if key in target and target[key] != value:
            raise ValueError(f"the stage apps describe {section} {key!r} differently")
        target[key] = value
