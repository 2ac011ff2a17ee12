"""Full-text search over the index Store.create_schema makes: PostgreSQL tsvector or SQLite FTS5.

Both take the same query language, the one web search engines taught everyone: words (all must
match), "quoted phrases", OR between alternatives, and -word to exclude. Results are ranked (title
above body) and carry a snippet of the body as plain text, with the offsets of the matched words in it,
so a client highlights them without trusting any markup from the article.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, Integer, String, column, func, literal_column, select, table
from sqlalchemy.dialects.postgresql import TSVECTOR

from services.store.search_index import POSTGRES_COLUMN, POSTGRES_CONFIG, SQLITE_TABLE
from services.store.tables import articles

from .paging import BadParameter
from .queries import SUMMARY_COLUMNS, summary

# Control characters no article text keeps (parse drops them): they mark matches inside snippets.
START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 30
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


class SearchUnavailable(RuntimeError):
    """The database has no full-text index (a SQLite built without FTS5)."""


def search(conn: Connection, query: str, limit: int, offset: int) -> list[dict[str, Any]]:
    """One page of matches, best first (limit + 1 rows when there are more)."""
    match = fts5_query(query)  # on PostgreSQL too: the same queries are refused on both
    if conn.dialect.name == "postgresql":
        rows = _postgres(conn, query, limit + 1, offset)
    else:
        rows = _sqlite(conn, match, limit + 1, offset)
    hits = []
    for row in rows:
        hit = summary(row)
        hit["snippet"], hit["highlights"] = marked(hit.pop("marked") or "")
        hit["rank"] = abs(float(hit["rank"]))  # bm25 is lower-is-better and negative: larger is better here
        hits.append(hit)
    return hits


def _postgres(conn: Connection, query: str, limit: int, offset: int) -> list[Any]:
    vector = literal_column(f"articles.{POSTGRES_COLUMN}", TSVECTOR)  # not in the table model: PostgreSQL only
    tsquery = func.websearch_to_tsquery(literal_column(f"'{POSTGRES_CONFIG}'"), query)
    rank = func.ts_rank_cd(vector, tsquery).label("rank")
    page = (
        select(articles.c.article_id, rank)
        .where(vector.bool_op("@@")(tsquery))
        .order_by(rank.desc(), articles.c.article_id)
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    # The headline is costly: make it for this page's rows only, not for every match.
    options = f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}"
    headline = func.ts_headline(literal_column(f"'{POSTGRES_CONFIG}'"), articles.c.body, tsquery, options)
    final = (
        select(*SUMMARY_COLUMNS, page.c.rank, headline.label("marked"))
        .join(page, page.c.article_id == articles.c.article_id)
        .order_by(page.c.rank.desc(), articles.c.article_id)
    )
    return list(conn.execute(final))


def _sqlite(conn: Connection, match: str, limit: int, offset: int) -> list[Any]:
    index = table(SQLITE_TABLE, column("rowid"))
    exists = (
        select(literal_column("1", Integer)).select_from(table("sqlite_master")).where(column("name") == SQLITE_TABLE)
    )
    if conn.execute(exists).first() is None:
        raise SearchUnavailable("full-text search needs SQLite with FTS5, which this Python's SQLite lacks")
    fts = literal_column(SQLITE_TABLE, String)
    rank = func.bm25(fts, 10.0, 1.0).label("rank")  # a title match weighs ten body matches
    snippet = func.snippet(fts, 1, START, STOP, "…", SNIPPET_WORDS).label("marked")
    query = (
        select(*SUMMARY_COLUMNS, rank, snippet)
        .select_from(index.join(articles, literal_column("articles.rowid") == index.c.rowid))
        .where(fts.op("MATCH")(match))
        .order_by(rank, articles.c.article_id)
        .limit(limit)
        .offset(offset)
    )
    return list(conn.execute(query))


def fts5_query(query: str) -> str:
    """The web-style query as an FTS5 expression; every word is quoted, so none is FTS5 syntax."""
    groups: list[list[str]] = []
    excluded: list[str] = []
    join_next = False
    for negate, phrase, word in _TOKEN.findall(query):
        if word == "OR":
            join_next = bool(groups)
            continue
        negate = negate or word.startswith("-")
        text = phrase if not word else word.lstrip("-")
        if not re.search(r"\w", text):
            continue  # punctuation alone: nothing the tokenizer would index
        quoted = '"' + text.replace('"', '""') + '"'
        if negate:
            excluded.append(quoted)
        elif join_next:
            groups[-1].append(quoted)
        else:
            groups.append([quoted])
        join_next = False
    if not groups:
        raise BadParameter("q: give at least one word to search for that is not excluded with -")
    expression = " AND ".join("(" + " OR ".join(g) + ")" if len(g) > 1 else g[0] for g in groups)
    if excluded and len(groups) > 1:
        expression = f"({expression})"
    return " NOT ".join([expression, *excluded])


def marked(text: str) -> tuple[str, list[tuple[int, int]]]:
    """A snippet without its match markers, and the [start, end) offsets of the marked words."""
    plain: list[str] = []
    highlights: list[tuple[int, int]] = []
    length, start = 0, None
    for part in re.split(f"([{START}{STOP}])", text):
        if part == START:
            start = length
        elif part == STOP:
            if start is not None and length > start:
                highlights.append((start, length))
            start = None
        else:
            plain.append(part)
            length += len(part)
    return "".join(plain), highlights


def matches(conn: Connection, query: str, article_ids: list[str]) -> set[str]:
    """Which of `article_ids` the query finds, with the same rules as search() (a webhook's `query`)."""
    match = fts5_query(query)  # the same queries are refused on both databases
    if not article_ids:
        return set()
    if conn.dialect.name == "postgresql":
        vector = literal_column(f"articles.{POSTGRES_COLUMN}", TSVECTOR)
        tsquery = func.websearch_to_tsquery(literal_column(f"'{POSTGRES_CONFIG}'"), query)
        found = select(articles.c.article_id).where(vector.bool_op("@@")(tsquery))
    else:
        index = table(SQLITE_TABLE, column("rowid"))
        fts = literal_column(SQLITE_TABLE, String)
        found = (
            select(articles.c.article_id)
            .select_from(index.join(articles, literal_column("articles.rowid") == index.c.rowid))
            .where(fts.op("MATCH")(match))
        )
    return set(conn.execute(found.where(articles.c.article_id.in_(article_ids))).scalars())
