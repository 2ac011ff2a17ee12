"""The names of the full-text index over articles' title and body, which the first migration makes
(migrations/versions/0001_store_schema.py) and the API's search reads.

PostgreSQL: a stored generated tsvector column (title weighted above body) with a GIN index, so every
insert or upsert keeps it current by itself. SQLite: an FTS5 table over the articles table (external
content, no second copy of the text) kept in step by triggers, which fire for the store's upsert too.
"""

# One language for stemming on both databases: the corpus is mostly English; other languages still
# match on their exact words.
POSTGRES_CONFIG = "english"
POSTGRES_COLUMN = "search_vector"
SQLITE_TABLE = "articles_fts"
