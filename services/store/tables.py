"""The store's tables: articles, stories (and their merges), a global entity table, the mentions linking
them, the near-duplicate band keys, and the webhook subscriptions with their deliveries."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)

metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("article_id", String(64), primary_key=True),
    Column("trace_id", String(64), nullable=False),
    Column("url", Text),
    Column("canonical_url", Text),
    Column("source", Text),
    Column("title", Text),
    Column("body", Text, nullable=False),
    Column("description", Text),
    Column("authors", JSON, nullable=False),
    Column("published_at", DateTime(timezone=True), index=True),
    Column("language", String(35)),
    Column("site_name", Text),
    Column("dateline_city", Text),
    Column("dateline_date", Date),
    Column("agency", String(64)),
    Column("agency_name", Text),
    Column("reference", Text),
    Column("license", Text),
    Column("fingerprint", String(16), index=True),
    Column("word_count", Integer, nullable=False),
    Column("warnings", JSON, nullable=False),
    # The whole enriched message, so a reader gets every field without a join.
    Column("document", JSON, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    # The revision whose ArticleStored event has gone out: a redelivery after a crash between commit
    # and announce sees it behind `revision` and announces; any other repeat is silent.
    Column("announced_revision", Integer, nullable=False, server_default="0"),
    Column("story_id", String(32), index=True),
    Column("duplicate_of", String(64)),
    Column("ingested_at", DateTime(timezone=True)),
    Column("stored_at", DateTime(timezone=True), nullable=False, index=True),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),  # GET /v1/events pages by it
)

entities = Table(
    "entities",
    metadata,
    Column("entity_id", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("type", String(32), nullable=False, index=True),
)

mentions = Table(
    "mentions",
    metadata,
    Column("article_id", String(64), ForeignKey("articles.article_id", ondelete="CASCADE"), primary_key=True),
    Column("entity_id", String(32), ForeignKey("entities.entity_id"), primary_key=True, index=True),
    Column("count", Integer, nullable=False),
    Column("surface_forms", JSON, nullable=False),
    Column("spans", JSON, nullable=False),
)

stories = Table(
    "stories",
    metadata,
    Column("story_id", String(32), primary_key=True),
    Column("title", Text),
    Column("article_count", Integer, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False, index=True),
    # False while every article of it was undated: the times above are then when they were fetched.
    Column("dated", Boolean, nullable=False, server_default=true()),
    # {"title": [...], "keywords": [...]}: the words its articles' titles and keywords share, for clustering.
    Column("terms", JSON, nullable=False, server_default="{}"),
    # Set when the merge pass moved every article of this story into another (merge_pass.py): readers
    # of this id are sent there. Its row stays, so the id never names a new story.
    Column("merged_into", String(32), index=True),  # a merge repoints the stories merged into the merged one
    Column("merged_at", DateTime(timezone=True)),
)

# One row per merge of a story into another, in the transaction that moves its articles: the outbox of
# StoryMerged events. announced_at is set once the event is on stories.merged; a pass that finds a row
# without it announces again (the announcer's marker key keeps that to one event).
story_merges = Table(
    "story_merges",
    metadata,
    Column("merge_id", String(32), primary_key=True),
    Column("story_id", String(32), nullable=False, unique=True),  # a story is merged away once
    Column("into_story_id", String(32), nullable=False, index=True),
    Column("article_ids", JSON, nullable=False),
    Column("score", Float, nullable=False),
    Column("shared", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    Column("merged_at", DateTime(timezone=True), nullable=False),
    Column("announced_at", DateTime(timezone=True), index=True),
)

# MinHash band keys of each article's body: articles sharing a key are near-duplicate candidates.
article_bands = Table(
    "article_bands",
    metadata,
    Column("band_key", BigInteger, primary_key=True),
    Column(
        "article_id", String(64), ForeignKey("articles.article_id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)

# Each placed article's vector as story placement compares it (stories.MemberVector.stored): a new
# article is scored against the recent members of each candidate story.
article_vectors = Table(
    "article_vectors",
    metadata,
    Column("article_id", String(64), ForeignKey("articles.article_id", ondelete="CASCADE"), primary_key=True),
    Column("story_id", String(32), nullable=False, index=True),
    Column("seen_at", DateTime(timezone=True), nullable=False),  # the article's time for its story
    Column("vector", JSON, nullable=False),
)

# The running document frequency of names and body words: how many articles placed in a week (weeks
# since 1970, by the article's time) have a term ("e <name>", "w <word>"; "" counts the articles).
# Split over shards, one per concurrent writer (placement._term_shard), so no two update the same row.
term_counts = Table(
    "term_counts",
    metadata,
    Column("term", String(200), primary_key=True),
    Column("week", Integer, primary_key=True),
    Column("shard", SmallInteger, primary_key=True),
    Column("articles", Integer, nullable=False),
)

# Webhook subscriptions (services/deliver): an endpoint, its signing secret and what it wants.
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("subscription_id", String(32), primary_key=True),
    Column("url", Text, nullable=False),
    Column("secret", Text, nullable=False),  # signs each POST (HMAC-SHA256); shown once, at creation
    Column("filters", JSON, nullable=False),  # deliver/filters.py: Filters
    Column("description", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# One row per event and matching subscription: the deliver stage's outbox. `status` is pending (due at
# next_attempt_at), delivered, or dead (the endpoint's dead-letter list, replayable).
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    # Keyed (and, on Citus, distributed) by subscription: an endpoint's deliveries live together.
    Column(
        "subscription_id",
        String(32),
        ForeignKey("subscriptions.subscription_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("delivery_id", String(32), primary_key=True),  # random; sent as X-Newsflow-Delivery
    # The event's model, sent as X-Newsflow-Event: ArticleStored, keyed by its article and revision, or
    # StoryMerged, keyed by its merge_id in article_id and revision 0 (no article revision is 0).
    Column("event", String(32), nullable=False, server_default="ArticleStored"),
    Column("article_id", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("payload", Text, nullable=False),  # the event's JSON, posted as it is
    Column("status", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, index=True),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    UniqueConstraint("subscription_id", "article_id", "revision", name="uq_delivery_event"),
)
