"""Benchmark input: the dev pages and the seeds cycled to N distinct articles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.ingest.files import find_files, read_articles


def bench_submissions(corpus: Path, count: int, site: str = "bench", mark: bool = False) -> list[dict[str, Any]]:
    """`count` submissions with their own URLs (so their own article ids), cycling the corpus.

    With `mark`, each also gets a sentence of its own, so no two have the same content either.
    """
    files = find_files([corpus / "seeds", corpus / "extraction-dev" / "html"])
    sources = [item.submission for path in files for item in read_articles(path)]
    out = []
    for i in range(count):
        item = dict(sources[i % len(sources)])
        if mark:
            marker = f"Copy {i} of this article."
            if item.get("html"):
                item["html"] = item["html"].replace("</body>", f"<p>{marker}</p></body>", 1)
            else:
                item["text"] = f"{item['text']}\n\n{marker}"
        item["url"] = f"https://{site}.newsflow.test/{i}"
        item["fetched_at"] = "2019-11-21T00:00:00Z"
        out.append(item)
    return out
