"""The full-text index over articles' title and body, made by Store.create_schema on either database.

PostgreSQL: a stored generated tsvector column (title weighted above body) with a GIN index, so every
insert or upsert keeps it current by itself. SQLite: an FTS5 table over the articles table (external
content, no second copy of the text) kept in step by triggers, which fire for the store's upsert too.
Both are added to a database made by an older release, and filled from the rows it already has.
"""

from __future__ import annotations

import structlog
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import OperationalError

# One language for stemming on both databases: the corpus is mostly English; other languages still
# match on their exact words.
POSTGRES_CONFIG = "english"
POSTGRES_COLUMN = "search_vector"
SQLITE_TABLE = "articles_fts"

_POSTGRES_DDL = (
    f"ALTER TABLE articles ADD COLUMN IF NOT EXISTS {POSTGRES_COLUMN} tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector('{POSTGRES_CONFIG}', coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector('{POSTGRES_CONFIG}', body), 'B')) STORED",
    f"CREATE INDEX IF NOT EXISTS ix_articles_search ON articles USING gin ({POSTGRES_COLUMN})",
)

# Porter stemming over unicode61 words is the nearest FTS5 has to PostgreSQL's english configuration.
_SQLITE_TABLE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5(title, body, content='articles', "
    "content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')"
)
# An external-content index must be told the old text to forget it ('delete'); the store's upsert is
# an UPDATE of the same row (same rowid), so the update trigger swaps old text for new.
_FORGET = (
    f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);"
)
_INDEX = f"INSERT INTO {SQLITE_TABLE}(rowid, title, body) VALUES (new.rowid, new.title, new.body);"
_SQLITE_TRIGGERS = (
    f"CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN {_INDEX} END",
    f"CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN {_FORGET} END",
    f"CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF title, body ON articles "
    f"BEGIN {_FORGET} {_INDEX} END",
)


def create_search_index(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        # ADD COLUMN locks the table even when the column exists: only run it when it is missing.
        if POSTGRES_COLUMN not in {c["name"] for c in inspect(engine).get_columns("articles")}:
            with engine.begin() as conn:
                conn.execute(text(_POSTGRES_DDL[0]))  # computes the column for every existing row
        with engine.begin() as conn:
            conn.execute(text(_POSTGRES_DDL[1]))
    elif engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            _create_sqlite_index(conn)


def _create_sqlite_index(conn: Connection) -> None:
    existed = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :name"), {"name": SQLITE_TABLE}).first()
    try:
        conn.execute(text(_SQLITE_TABLE_DDL))
    except OperationalError as exc:  # "no such module: fts5": this SQLite was built without it
        if "fts5" not in str(exc):
            raise
        structlog.get_logger().warning("no full-text search: this SQLite has no FTS5", error=str(exc))
        return
    for trigger in _SQLITE_TRIGGERS:
        conn.execute(text(trigger))
    if not existed:
        # Rows stored before the index existed; the triggers already cover any stored after this point.
        conn.execute(text(f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}) VALUES ('rebuild')"))
