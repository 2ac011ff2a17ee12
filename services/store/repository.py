"""Reads and writes the store through SQLAlchemy Core; one code path for PostgreSQL and SQLite."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import Connection, Engine, create_engine, delete, event, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from .core import ArticleRows, Change
from .placement import lock_placements, place
from .revisions import kept_reason
from .schema import upgrade
from .stories import THRESHOLD as STORY_THRESHOLD
from .tables import articles, entities, mentions

log = structlog.get_logger()


@dataclass(frozen=True)
class Saved:
    """What saving an article did: the change, the revision now stored, and where the article was placed."""

    change: Change
    revision: int
    story_id: str | None = None
    duplicate_of: str | None = None
    kept: str | None = None  # why the stored revision stayed instead of this one (revisions.kept_reason)


def database_engine(url: str) -> Engine:
    """An engine for `url`; plain postgresql:// URLs use psycopg 3, SQLite files get their folder."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets `newsflow articles` read while the store worker writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # pysqlite begins a transaction only before a write, so a SAVEPOINT came first and its RELEASE was
    # a commit: each article committed alone, before the batch's commit. SQLAlchemy emits BEGIN instead.
    dbapi_connection.isolation_level = None


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


class Store:
    def __init__(self, engine: Engine, story_threshold: float = STORY_THRESHOLD) -> None:
        self.engine = engine
        self.story_threshold = story_threshold
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        self._upserts: dict[tuple[str, ...], Any] = {}
        self.write_failure: str | None = None  # why the last batch could not be written, if it could not

    def create_schema(self) -> None:
        """Bring the database to this release's schema revision (schema.upgrade: the migrations)."""
        upgrade(self.engine)

    def reachable(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:  # any failure to reach the database means: not ready
            return False

    def mark_announced(self, *article_ids: str) -> None:
        """The articles' current revisions have been announced (their ArticleStored events published)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(articles)
                .where(articles.c.article_id.in_(article_ids))
                .values(announced_revision=articles.c.revision)
            )

    def save(self, rows: ArticleRows) -> Change:
        """Upsert one article with its entities in one transaction; say whether anything changed."""
        return self.save_revision(rows).change

    def save_revision(self, rows: ArticleRows) -> Saved:
        """`save`, with the article's revision, story and original after it.

        A new or changed revision is placed (near-duplicate original, story) in the same transaction
        as the upsert; the same content again changes nothing, so a redelivery is never counted twice.
        """
        with self.engine.begin() as conn:
            lock_placements(conn, [rows])
            return self._save(conn, rows)

    def save_many(self, batch: list[ArticleRows]) -> list[Saved | SQLAlchemyError]:
        """`save_revision` for each, in one transaction (one commit, one fsync), each in a savepoint so
        that a database error loses only its own article; the commit failing fails them all (raised)."""
        results: list[Saved | SQLAlchemyError] = []
        try:
            with self.engine.begin() as conn:
                lock_placements(conn, batch)
                for rows in batch:
                    try:
                        with conn.begin_nested():
                            saved = self._save(conn, rows)
                    except SQLAlchemyError as error:  # this article's statement failed: only it is retried
                        results.append(error)
                        continue
                    results.append(saved)  # only once its savepoint is released
        except SQLAlchemyError as error:
            self.write_failure = f"{type(error).__name__}: {error}"
            raise
        self._note_writes(results)
        return results

    def _note_writes(self, results: list[Saved | SQLAlchemyError]) -> None:
        """Writes are failing when nothing of a batch was saved and the database itself refused
        (OperationalError: read-only, disk full, connection lost), not one article's data."""
        if any(isinstance(r, Saved) for r in results):
            self.write_failure = None
        elif failed := [r for r in results if isinstance(r, OperationalError)]:
            self.write_failure = f"{type(failed[0]).__name__}: {failed[0]}"

    def ready(self) -> bool:
        """Reachable, and the last batch written did not fail on the database as a whole (read-only,
        full, gone): a store that cannot write is not ready, though SELECT 1 still works."""
        if self.write_failure is not None:
            log.warning("store not ready: writes fail", error=self.write_failure[:300])
            return False
        return self.reachable()

    def _save(self, conn: Connection, rows: ArticleRows) -> Saved:
        kept = self._kept_reason(conn, rows)
        revision = None if kept else conn.execute(self._upsert(tuple(rows.article)), rows.article).scalar()
        if revision is None:
            current = conn.execute(
                select(
                    articles.c.revision,
                    articles.c.announced_revision,
                    articles.c.story_id,
                    articles.c.duplicate_of,
                ).where(articles.c.article_id == rows.article["article_id"])
            ).one()
            placed = (current.story_id, current.duplicate_of)
            if current.announced_revision >= current.revision:
                # The same content (or a poorer revision), already announced.
                return Saved("unchanged", current.revision, *placed, kept=kept)
            # Stored but never announced (a crash before the event went out): announce now.
            revision = current.revision
        else:
            self._replace_entities(conn, rows)
            placement = place(conn, rows, self._insert, self.story_threshold)
            placed = (placement.story_id, placement.duplicate_of)
        return Saved("created" if revision == 1 else "updated", revision, *placed)

    def _kept_reason(self, conn: Connection, rows: ArticleRows) -> str | None:
        """Why the stored revision must stay (a richer one than this), or None; locked until the commit."""
        query = select(articles.c.document).where(articles.c.article_id == rows.article["article_id"])
        if self.engine.dialect.name == "postgresql":
            query = query.with_for_update()
        current = conn.execute(query).scalar()
        if current is None:
            return None
        kept = kept_reason(current, rows.article["document"])
        if kept:
            log.info("kept the richer revision", article_id=rows.article["article_id"], reason=kept)
        return kept

    def _upsert(self, columns: tuple[str, ...]) -> Any:
        """INSERT ... ON CONFLICT DO UPDATE (when the content changed) RETURNING revision, built once per
        column set: values go as parameters, so SQLAlchemy compiles the statement once, not per article."""
        if columns not in self._upserts:
            new = self._insert(articles)
            changed: dict[str, Any] = {c: new.excluded[c] for c in columns if c not in ("article_id", "stored_at")}
            changed["revision"] = articles.c.revision + 1
            self._upserts[columns] = new.on_conflict_do_update(
                index_elements=[articles.c.article_id],
                set_=changed,
                where=articles.c.content_hash != new.excluded.content_hash,
            ).returning(articles.c.revision)
        return self._upserts[columns]

    def _replace_entities(self, conn: Connection, rows: ArticleRows) -> None:
        if rows.entities:
            conn.execute(self._insert(entities).on_conflict_do_nothing(), rows.entities)
        conn.execute(delete(mentions).where(mentions.c.article_id == rows.article["article_id"]))
        if rows.mentions:
            conn.execute(mentions.insert(), rows.mentions)

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(articles)).scalar_one()

    def existing_ids(self, article_ids: list[str]) -> set[str]:
        with self.engine.connect() as conn:
            query = select(articles.c.article_id).where(articles.c.article_id.in_(article_ids))
            return set(conn.execute(query).scalars())
