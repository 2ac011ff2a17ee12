"""Reads and writes the store through SQLAlchemy Core; one code path for PostgreSQL and SQLite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, delete, event, func, inspect, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from .core import ArticleRows, Change
from .search_index import create_search_index
from .tables import articles, entities, mentions, metadata


def database_engine(url: str) -> Engine:
    """An engine for `url`; plain postgresql:// URLs use psycopg 3, SQLite files get their folder."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets `newsflow articles` read while the store worker writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def create_schema(self) -> None:
        metadata.create_all(self.engine)
        self._add_missing_columns()
        create_search_index(self.engine)

    def _add_missing_columns(self) -> None:
        """Bring a database made by an older release up to the current articles table."""
        present = {c["name"] for c in inspect(self.engine).get_columns("articles")}
        with self.engine.begin() as conn:
            if "announced_revision" not in present:
                # Rows stored before it existed were announced by that release.
                conn.execute(text("ALTER TABLE articles ADD COLUMN announced_revision INTEGER NOT NULL DEFAULT 0"))
                conn.execute(update(articles).values(announced_revision=articles.c.revision))
            for column in ("story_id", "duplicate_of"):
                if column not in present:
                    kind = articles.c[column].type.compile(dialect=self.engine.dialect)
                    conn.execute(text(f"ALTER TABLE articles ADD COLUMN {column} {kind}"))
            for index in articles.indexes:
                index.create(conn, checkfirst=True)

    def reachable(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:  # any failure to reach the database means: not ready
            return False

    def mark_announced(self, article_id: str) -> None:
        """The article's current revision has been announced (its ArticleStored event published)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(articles)
                .where(articles.c.article_id == article_id)
                .values(announced_revision=articles.c.revision)
            )

    def save(self, rows: ArticleRows) -> Change:
        """Upsert one article with its entities in one transaction; say whether anything changed."""
        return self.save_revision(rows)[0]

    def save_revision(self, rows: ArticleRows) -> tuple[Change, int]:
        """`save`, and the article's revision after it."""
        new = self._insert(articles).values(rows.article)
        changed_columns: dict[str, Any] = {
            c: new.excluded[c] for c in rows.article if c not in ("article_id", "stored_at")
        }
        changed_columns["revision"] = articles.c.revision + 1
        upsert = new.on_conflict_do_update(
            index_elements=[articles.c.article_id],
            set_=changed_columns,
            where=articles.c.content_hash != new.excluded.content_hash,
        ).returning(articles.c.revision)
        with self.engine.begin() as conn:
            revision = conn.execute(upsert).scalar()
            if revision is None:
                current = conn.execute(
                    select(articles.c.revision, articles.c.announced_revision).where(
                        articles.c.article_id == rows.article["article_id"]
                    )
                ).one()
                if current.announced_revision >= current.revision:
                    return "unchanged", current.revision  # the same content again, already announced
                # Stored but never announced (a crash before the event went out): announce now.
                revision = current.revision
            else:
                self._replace_entities(conn, rows)
        return ("created" if revision == 1 else "updated"), revision

    def _replace_entities(self, conn: Connection, rows: ArticleRows) -> None:
        if rows.entities:
            conn.execute(self._insert(entities).values(rows.entities).on_conflict_do_nothing())
        conn.execute(delete(mentions).where(mentions.c.article_id == rows.article["article_id"]))
        if rows.mentions:
            conn.execute(mentions.insert().values(rows.mentions))

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(articles)).scalar_one()

    def existing_ids(self, article_ids: list[str]) -> set[str]:
        with self.engine.connect() as conn:
            query = select(articles.c.article_id).where(articles.c.article_id.in_(article_ids))
            return set(conn.execute(query).scalars())

    def list_articles(self, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        query = (
            select(
                articles.c.article_id,
                articles.c.title,
                articles.c.url,
                articles.c.language,
                articles.c.published_at,
                articles.c.stored_at,
                articles.c.word_count,
            )
            .order_by(articles.c.stored_at.desc(), articles.c.article_id)
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def get_article(self, article_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(articles.c.article_id == article_id)).first()
            if row is None:
                return None
            linked = conn.execute(
                select(
                    entities.c.entity_id,
                    entities.c.name,
                    entities.c.type,
                    mentions.c.count,
                    mentions.c.surface_forms,
                )
                .join(mentions, mentions.c.entity_id == entities.c.entity_id)
                .where(mentions.c.article_id == article_id)
                .order_by(mentions.c.count.desc(), entities.c.name)
            )
            article = dict(row._mapping)
            article["entities"] = [dict(r._mapping) for r in linked]
            return article
