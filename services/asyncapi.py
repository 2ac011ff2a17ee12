"""One AsyncAPI 3.0.0 document for the whole pipeline: the contract a subscriber codes against.

FastStream 0.7.8 generates AsyncAPI 3.0.0 by default (2.6.0 on request); this module uses 3.0.0.
Every stream stage of the pipeline table (common/pipeline.py) is wired on a broker that is never
connected, exactly as its worker wires it (consume_stage), and described through the API `faststream
docs gen` uses (`AsyncAPI(broker).to_specification()`, then `.to_jsonable()`); the documents are
merged into one. Payload schemas are the `newsflow_schemas` models of the table's streams. Nothing is
built but the brokers: no model is loaded and no database opened.

Streams no typed publisher can describe are declared on one more broker, in the same shape as the
generated channels: each stage output the handler writes itself or that comes from HTTP (the
ingest API's `articles.raw`, the store's once-per-revision `articles.stored`), the store's merge
pass's `stories.merged` (StoryMerged), and `articles.dlq` (DeadLetter), which every stage's
dead-letter middleware writes.

Stream names and the server follow the NEWSFLOW_* settings, as the workers' would.
"""

from __future__ import annotations

import warnings
from importlib.metadata import version
from typing import Any

from faststream.redis import RedisBroker
from faststream.specification import AsyncAPI

from newsflow_schemas import SCHEMA_VERSION
from services.common.batch import Outcome, consume_stage
from services.common.broker import make_broker
from services.common.pipeline import DLQ, MERGED, STAGES, STREAM_STAGES, stage_streams
from services.common.settings import Settings

ASYNCAPI_VERSION = "3.0.0"
TITLE = "newsflow"
DESCRIPTION = (
    "News pipeline over Redis Streams: ingest -> articles.raw -> parse -> articles.parsed -> enrich -> "
    "articles.enriched -> store -> articles.stored. Each entry is FastStream's binary envelope around a JSON "
    f"body matching the payload schema (schema_version {SCHEMA_VERSION}). Stages read in consumer groups "
    "named after the stage; any other subscriber should read with a group of its own. Entries a stage "
    "cannot handle go to articles.dlq as DeadLetter. The envelope's bytes are specified in schemas/WIRE.md "
    "(newsflow_schemas.decode reads them); newsflow_subscriber reads articles.stored without losing an event. "
    "stories.merged (StoryMerged) says when the store rejoined two stories of one event and which articles moved; "
    "the deliver stage reads it too, for the webhooks that asked for merges."
)


def asyncapi_document(settings: Settings | None = None) -> dict[str, Any]:
    """The merged AsyncAPI document as JSON-ready data (channels in pipeline order)."""
    settings = settings or Settings()
    parts = [_generated(_stage_broker(spec.name, settings)) for spec in STREAM_STAGES]
    parts.append(_generated(_side_publications(settings)))
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
    _sort(doc, [*stage_streams(settings), MERGED.name(settings), DLQ.name(settings)])
    _add_examples(doc)
    return doc


def _add_examples(doc: dict[str, Any]) -> None:
    """A message whose payload model has examples (ArticleStored) shows them as the message's own."""
    schemas = doc["components"]["schemas"]
    for message in doc["components"]["messages"].values():
        model = message["payload"].get("$ref", "").rsplit("/", 1)[-1]
        examples = schemas.get(model, {}).get("examples", [])
        if examples:
            message["examples"] = [{"name": f"{model} {n + 1}", "payload": e} for n, e in enumerate(examples)]


def _stage_broker(name: str, settings: Settings) -> RedisBroker:
    """A broker with the stage's subscriptions, as its worker has them (never connected)."""
    broker = make_broker(settings, name)
    spec = next(s for s in STREAM_STAGES if s.name == name)
    consume_stage(broker, settings, spec, _never_called)
    return broker


async def _never_called(items: list[Any]) -> list[Outcome]:
    raise AssertionError("the AsyncAPI brokers are never started")


def _sort(doc: dict[str, Any], streams: list[str]) -> None:
    """Pipeline order, then by name: FastStream keeps publishers in a WeakSet, whose order varies per run."""

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


def _side_publications(settings: Settings) -> RedisBroker:
    """A broker, never started, declaring the streams no stage's typed publisher describes."""
    broker = RedisBroker(settings.redis_url)
    for spec in STAGES:
        if spec.output is not None and (not spec.reads_stream or spec.writes_output_itself):
            broker.publisher(stream=spec.output_stream(settings), schema=spec.output.model, description=spec.about)
    broker.publisher(
        stream=MERGED.name(settings),
        schema=MERGED.model,
        description="Once per merge of two stories of one event by the store's merge pass: the articles that "
        "moved and the story they moved to.",
    )
    broker.publisher(
        stream=DLQ.name(settings),
        schema=DLQ.model,
        description="Entries a stage rejected or failed max_deliveries times, with the reason and payload.",
    )
    return broker


def _add(target: dict[str, Any], items: dict[str, Any], section: str) -> None:
    for key, value in items.items():
        # Shared models (StageTimes, ParsedArticle...) appear in several apps: they must agree.
        if key in target and target[key] != value:
            raise ValueError(f"the stage apps describe {section} {key!r} differently")
        target[key] = value
