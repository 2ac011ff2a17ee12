"""The store's schema when migrations began.

Articles, entities, mentions, stories, article_bands and the full-text index (PostgreSQL: a generated
tsvector column with a GIN index; SQLite: an FTS5 table kept by triggers).

Revision ID: 0001
Revises:
Create Date: 2026-11-30

It makes only what is missing, so it also adopts a database made before migrations (by `create_all` at
start): today's tables are left as they are, with their rows, and recorded as at 0001; an older release's
get the columns, indexes and search index it lacked (what the store added at start until then). Frozen:
later changes to tables.py go in new revisions, never here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import structlog
from alembic import op
from sqlalchemy.exc import OperationalError

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)

INDEXES = {
    "articles": ("published_at", "fingerprint", "story_id", "stored_at"),
    "entities": ("type",),
    "mentions": ("entity_id",),
    "stories": ("last_seen",),
    "article_bands": ("article_id",),
}

# The full-text index: frozen copies of what search_index.py made before migrations.
_POSTGRES_SEARCH_COLUMN = (
    "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', body), 'B')) STORED"
)
_POSTGRES_SEARCH_INDEX = "CREATE INDEX IF NOT EXISTS ix_articles_search ON articles USING gin (search_vector)"
_SQLITE_SEARCH_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, body, content='articles', "
    "content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')"
)
_FORGET = (
    "INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);"
)
_INDEX = "INSERT INTO articles_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);"
_SQLITE_SEARCH_TRIGGERS = (
    f"CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN {_INDEX} END",
    f"CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN {_FORGET} END",
    f"CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF title, body ON articles "
    f"BEGIN {_FORGET} {_INDEX} END",
)


def upgrade() -> None:
    bind = op.get_bind()
    tables = set(sa.inspect(bind).get_table_names())
    if "articles" not in tables:
        _create_articles()
    else:
        _add_older_article_columns(bind)
    if "entities" not in tables:
        op.create_table(
            "entities",
            sa.Column("entity_id", sa.String(32), primary_key=True),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("type", sa.String(32), nullable=False),
        )
    if "mentions" not in tables:
        op.create_table(
            "mentions",
            sa.Column(
                "article_id", sa.String(64), sa.ForeignKey("articles.article_id", ondelete="CASCADE"), primary_key=True
            ),
            sa.Column("entity_id", sa.String(32), sa.ForeignKey("entities.entity_id"), primary_key=True),
            sa.Column("count", sa.Integer, nullable=False),
            sa.Column("surface_forms", sa.JSON, nullable=False),
            sa.Column("spans", sa.JSON, nullable=False),
        )
    if "stories" not in tables:
        _create_stories()
    else:
        _add_older_story_columns(bind)
    if "article_bands" not in tables:
        op.create_table(
            "article_bands",
            sa.Column("band_key", sa.BigInteger, primary_key=True),
            sa.Column(
                "article_id", sa.String(64), sa.ForeignKey("articles.article_id", ondelete="CASCADE"), primary_key=True
            ),
        )
    for table, columns in INDEXES.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, [column], if_not_exists=True)
    _create_search_index(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS articles_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    for table in ("article_bands", "mentions", "stories", "entities", "articles"):
        op.drop_table(table)


def _create_articles() -> None:
    op.create_table(
        "articles",
        sa.Column("article_id", sa.String(64), primary_key=True),
        sa.Column("trace_id", sa.String(64), nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("canonical_url", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("authors", sa.JSON, nullable=False),
        sa.Column("published_at", UTC_TIME),
        sa.Column("language", sa.String(35)),
        sa.Column("site_name", sa.Text),
        sa.Column("dateline_city", sa.Text),
        sa.Column("dateline_date", sa.Date),
        sa.Column("agency", sa.String(64)),
        sa.Column("agency_name", sa.Text),
        sa.Column("reference", sa.Text),
        sa.Column("license", sa.Text),
        sa.Column("fingerprint", sa.String(16)),
        sa.Column("word_count", sa.Integer, nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("announced_revision", sa.Integer, nullable=False, server_default="0"),
        sa.Column("story_id", sa.String(32)),
        sa.Column("duplicate_of", sa.String(64)),
        sa.Column("ingested_at", UTC_TIME),
        sa.Column("stored_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
    )


def _create_stories() -> None:
    op.create_table(
        "stories",
        sa.Column("story_id", sa.String(32), primary_key=True),
        sa.Column("title", sa.Text),
        sa.Column("article_count", sa.Integer, nullable=False),
        sa.Column("first_seen", UTC_TIME, nullable=False),
        sa.Column("last_seen", UTC_TIME, nullable=False),
        sa.Column("dated", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("terms", sa.JSON, nullable=False, server_default="{}"),
    )


def _add_older_article_columns(bind: sa.Connection) -> None:
    """Columns an articles table from before stories (schema 1.1) and before announcing lacked."""
    present = {c["name"] for c in sa.inspect(bind).get_columns("articles")}
    if "announced_revision" not in present:
        op.add_column("articles", sa.Column("announced_revision", sa.Integer, nullable=False, server_default="0"))
        # Rows stored before it existed were announced by that release.
        op.execute("UPDATE articles SET announced_revision = revision")
    for column, length in (("story_id", 32), ("duplicate_of", 64)):
        if column not in present:
            op.add_column("articles", sa.Column(column, sa.String(length)))


def _add_older_story_columns(bind: sa.Connection) -> None:
    """Columns a stories table from schema 1.2's first cut lacked."""
    present = {c["name"] for c in sa.inspect(bind).get_columns("stories")}
    if "terms" not in present:
        op.add_column("stories", sa.Column("terms", sa.JSON, nullable=False, server_default="{}"))
    if "dated" not in present:
        op.add_column("stories", sa.Column("dated", sa.Boolean, nullable=False, server_default=sa.true()))


def _create_search_index(bind: sa.Connection) -> None:
    if bind.dialect.name == "postgresql":
        # Computed for every row already there (an adopted database's) when the column is added.
        if "search_vector" not in {c["name"] for c in sa.inspect(bind).get_columns("articles")}:
            op.execute(_POSTGRES_SEARCH_COLUMN)
        op.execute(_POSTGRES_SEARCH_INDEX)
    elif bind.dialect.name == "sqlite":
        existed = "articles_fts" in sa.inspect(bind).get_table_names()
        try:
            op.execute(_SQLITE_SEARCH_TABLE)
        except OperationalError as exc:  # "no such module: fts5": this SQLite was built without it
            if "fts5" not in str(exc):
                raise
            structlog.get_logger().warning("no full-text search: this SQLite has no FTS5", error=str(exc))
            return
        for trigger in _SQLITE_SEARCH_TRIGGERS:
            op.execute(trigger)
        if not existed:
            # Rows stored before the index existed; the triggers cover any stored after this point.
            op.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
