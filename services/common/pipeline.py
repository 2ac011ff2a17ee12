"""The pipeline, declared once: each stage with the stream it reads, the stream it writes and how its
worker is built, in pipeline order. Broker wiring, status, metrics, AsyncAPI, the `worker` command,
the local runner and the chaos test all read this table; a new stage is one entry here plus its core
and its `build` function.

Stream names come from the settings (`stream_<key>`), so tests and benchmarks can give a run streams
of its own; the defaults are in newsflow_schemas.streams.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from newsflow_schemas import ArticleStored, DeadLetter, EnrichedArticle, ParsedArticle, RawArticle, StoryMerged

if TYPE_CHECKING:
    from .settings import RedisSettings, Settings

# What a stage's core made of one input: the output to publish (a model, or a dict as-is), None (done,
# nothing to publish), or the exception that stopped it. A stage's batch handler returns one per input.
Outcome = BaseModel | dict[str, Any] | None | Exception
ProcessMany = Callable[[list[Any]], Awaitable[list[Outcome]]]


@dataclass(frozen=True)
class Stream:
    """A stage stream: its key in the settings (`stream_<key>`) and the model of its entries."""

    key: str
    model: type[BaseModel]

    def name(self, settings: RedisSettings) -> str:
        return str(getattr(settings, f"stream_{self.key}"))


@dataclass
class StageRuntime:
    """What a stream stage's `build(settings)` returns: its batch handler and its life-cycle hooks.

    Built when the app is built, never on import: models, engines and clients are made here and
    passed to the handler, so tests can build a stage with their own settings.
    """

    process: ProcessMany
    on_startup: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    on_shutdown: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    ready: Callable[[], bool] = lambda: True  # the stage's own dependencies beyond Redis (/ready)


@dataclass(frozen=True)
class StageSpec:
    """One stage of the pipeline.

    `build` names (module:function) what makes the stage's worker: for a stream stage a function
    `settings -> StageRuntime`; for the HTTP front door (`input` None) a function `settings -> None`
    that serves until stopped. It is imported only when the worker is built, so reading the table
    loads no model and opens no database.
    """

    name: str
    input: Stream | None  # None: fed over HTTP, not from a stream
    output: Stream | None  # None: the stage's work leaves the pipeline (deliver POSTs webhooks)
    build: str
    # The handler writes its output itself (the store's once-per-revision events) instead of returning it.
    writes_output_itself: bool = False
    # The last stage also trims its output, which no stage reads.
    trims_output: bool = False
    about: str = ""  # what the stage's output carries, for the AsyncAPI document
    # Further streams the stage reads, in the same group and with the same handler (a batch holds
    # entries of one stream: the handler tells them apart by their model).
    also_reads: tuple[Stream, ...] = ()

    @property
    def reads_stream(self) -> bool:
        return self.input is not None

    @property
    def inputs(self) -> tuple[Stream, ...]:
        """Every stream the stage reads: its input, then the others."""
        return () if self.input is None else (self.input, *self.also_reads)

    def input_stream(self, settings: RedisSettings) -> str:
        if self.input is None:
            raise ValueError(f"stage {self.name!r} reads no stream")
        return self.input.name(settings)

    def input_streams(self, settings: RedisSettings) -> list[str]:
        return [stream.name(settings) for stream in self.inputs]

    def input_for(self, payload: Any) -> Stream:
        """The input stream whose model `payload` (a message body as JSON data) is: where a dead letter of
        the stage goes back to. The main input when it is none of them (it is dead-lettered there again)."""
        if self.input is None:
            raise ValueError(f"stage {self.name!r} reads no stream")
        for stream in self.also_reads:
            try:
                stream.model.model_validate(payload)
            except ValueError:  # pydantic's ValidationError: not this stream's model
                continue
            return stream
        return self.input

    @property
    def writes_stream(self) -> bool:
        return self.output is not None

    def output_stream(self, settings: RedisSettings) -> str:
        if self.output is None:
            raise ValueError(f"stage {self.name!r} writes no stream")
        return self.output.name(settings)

    def builder(self) -> Callable[[Settings], Any]:
        module, _, function = self.build.partition(":")
        return getattr(import_module(module), function)  # type: ignore[no-any-return]


RAW = Stream("raw", RawArticle)
PARSED = Stream("parsed", ParsedArticle)
ENRICHED = Stream("enriched", EnrichedArticle)
STORED = Stream("stored", ArticleStored)
DLQ = Stream("dlq", DeadLetter)  # every stage's dead letters (one stream, never partitioned)
# The store's merge pass announces here when it rejoins two stories (store/merge_pass.py); deliver reads it.
MERGED = Stream("merged", StoryMerged)

STAGES: tuple[StageSpec, ...] = (
    StageSpec("ingest", None, RAW, "services.ingest.app:serve", about="Every article the ingest HTTP API accepted."),
    StageSpec("parse", RAW, PARSED, "services.parse.app:build"),
    StageSpec("enrich", PARSED, ENRICHED, "services.enrich.app:build"),
    StageSpec(
        "store",
        ENRICHED,
        STORED,
        "services.store.app:build",
        writes_output_itself=True,
        trims_output=True,
        about="Once per new or changed article revision, added by the store's Lua script.",
    ),
    # Downstream of the store: POSTs each event to the webhook subscriptions it matches (and each story
    # merge to the subscriptions that asked for them).
    StageSpec("deliver", STORED, None, "services.deliver.app:build", also_reads=(MERGED,)),
)
STAGE_NAMES = tuple(spec.name for spec in STAGES)
STREAM_STAGES = tuple(spec for spec in STAGES if spec.reads_stream)
# The consumer groups the pipeline owns (one per stream stage, named after it): never stale, never
# trimmed past; every other group on a pipeline stream is a downstream subscriber's.
STAGE_GROUPS = frozenset(spec.name for spec in STREAM_STAGES)


def stage(name: str) -> StageSpec:
    for spec in STAGES:
        if spec.name == name:
            return spec
    raise ValueError(f"no stage {name!r}: the stages are {', '.join(STAGE_NAMES)}")


def producer(stream: Stream) -> StageSpec:
    """The stage that writes `stream`."""
    return next(spec for spec in STAGES if spec.output is stream)


def stage_streams(settings: RedisSettings) -> list[str]:
    """The names of every stage stream (not the DLQ), in pipeline order: what stages read or write,
    stories.merged (which deliver reads) included."""
    names: list[str] = []
    for spec in STAGES:
        for stream in (*spec.inputs, spec.output):
            if stream is not None and stream.name(settings) not in names:
                names.append(stream.name(settings))
    return names
