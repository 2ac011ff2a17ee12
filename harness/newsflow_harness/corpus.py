"""The shared development corpus: where it is, and benchmark input cycled from it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from services.ingest.files import find_files, read_articles


def default_corpus() -> Path:
    """NEWSFLOW_CORPUS; else ../shared/corpus from the working directory (where the Makefile runs);
    else the one beside the checkout this package was installed from (editable installs)."""
    if configured := os.environ.get("NEWSFLOW_CORPUS"):
        return Path(configured).resolve()
    here = Path("../shared/corpus")
    if here.is_dir():
        return here.resolve()
    return Path(__file__).resolve().parents[3] / "shared" / "corpus"


CORPUS = default_corpus()


def bench_submissions(corpus: Path, count: int, site: str = "bench", mark: bool = False) -> list[dict[str, Any]]:
    """`count` submissions with their own URLs (so their own article ids), cycling the seeds and the
    extraction dev pages. With `mark`, each also gets a sentence of its own, so no two have the same
    content either."""
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
