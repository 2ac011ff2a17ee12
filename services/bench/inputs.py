"""Benchmark input: the dev pages and the seeds cycled to N distinct articles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.ingest.files import find_files, read_articles


def bench_submissions(corpus: Path, count: int) -> list[dict[str, Any]]:
    """`count` submissions with their own URLs (so their own article ids), cycling the corpus."""
    files = find_files([corpus / "seeds", corpus / "extraction-dev" / "html"])
    sources = [item.submission for path in files for item in read_articles(path)]
    out = []
    for i in range(count):
        item = dict(sources[i % len(sources)])
        item["url"] = f"https://bench.newsflow.test/{i}"
        item["fetched_at"] = "2019-11-21T00:00:00Z"
        out.append(item)
    return out
