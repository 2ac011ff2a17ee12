"""Turn a database made by this release back into one made before migrations (tables from `create_all`,
no revision recorded), so that tests can check how such a database is adopted."""

from sqlalchemy import Connection

# Made by the revisions after 0001, which a database from before migrations never had.
_LATER_TABLES = ("webhook_deliveries", "subscriptions", "article_vectors", "term_counts", "story_merges")
_LATER_INDEXES = ("ix_articles_updated_at", "ix_stories_merged_into")
_LATER_COLUMNS = (("stories", "merged_into"), ("stories", "merged_at"))


def forget_migrations(conn: Connection) -> None:
    conn.exec_driver_sql("DROP TABLE alembic_version")
    for table in _LATER_TABLES:
        conn.exec_driver_sql(f"DROP TABLE {table}")
    for index in _LATER_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX {index}")
    for table, column in _LATER_COLUMNS:
        conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN {column}")
