"""Parse test inputs: the seeds and the extraction dev pages from the shared corpus, and raw articles."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from newsflow_harness.corpus import CORPUS
from newsflow_schemas import RawArticle

SEEDS = CORPUS / "seeds"
DEV = CORPUS / "extraction-dev"
# The day after the seeds' datelines (Sep 07): what a scraper would have recorded.
SEED_FETCHED_AT = datetime(2024, 9, 8, 6, 30, tzinfo=UTC)
# The dev pages were fetched in November 2019.
DEV_FETCHED_AT = datetime(2019, 11, 21, tzinfo=UTC)
# The footer of seed 000, as Mehr News Agency writes it.
MNA_LICENCE = (
    "All Content by Mehr News Agency is licensed under a Creative Commons Attribution 4.0 International License."
)


def seed_text(number: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS} (the shared corpus is expected beside the repo)")
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path.read_text()


def dev_truth() -> dict[str, dict[str, str]]:
    """Ground truth of the dev pages by page key: the article body and the URL."""
    if not DEV.is_dir():
        pytest.skip(f"extraction dev set not found at {DEV} (the shared corpus is expected beside the repo)")
    return json.loads((DEV / "ground-truth.json").read_text())


def dev_page(key: str) -> str:
    with gzip.open(DEV / "html" / f"{key}.html.gz", "rt", encoding="utf-8") as page:
        return page.read()


def raw_article(content: str, content_type: str = "text", **fields: Any) -> RawArticle:
    return RawArticle(
        article_id=fields.pop("article_id", "test-article"),
        trace_id="test-trace",
        content=content,
        content_type=content_type,
        **fields,
    )
