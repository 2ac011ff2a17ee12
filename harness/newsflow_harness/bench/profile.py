"""Where each stage's time goes: the cores over the dev pages under cProfile, summed by package.

Run: `python -m newsflow_harness.bench.profile [--articles N]` (or `make profile`). For each stage core it
prints the share of its time spent in each package (spacy, trafilatura, lxml, sqlalchemy, our own
modules ...) and its slowest functions by own time. SQLite in a temporary folder stands in for the
database, so the store figures are the store core's and the driver's, not a server's.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsflow_harness.corpus import CORPUS, bench_submissions
from services.common.errors import RejectedInput
from services.common.settings import get_settings
from services.enrich.core import enrich_many
from services.enrich.model import load_nlp
from services.ingest.core import admit, submission_from_json
from services.parse.core import parse
from services.store.core import to_rows
from services.store.repository import Store, database_engine


def package_of(filename: str) -> str:
    """'services/enrich' for our code, the top-level package for a dependency, 'python' for the rest."""
    path = Path(filename)
    parts = path.parts
    if filename.endswith((".pyx", ".pxd")) and not path.is_absolute():
        return parts[0]  # a compiled module of a dependency (spacy, thinc) names itself relatively
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].split(".")[0].removesuffix(".py")
    if "services" in parts:
        i = parts.index("services")
        return "/".join(parts[i : i + 2])
    return "python"


def profile(label: str, work: Callable[[], Any], top: int) -> Any:
    profiler = cProfile.Profile()
    result = profiler.runcall(work)
    stats = pstats.Stats(profiler)
    by_package: defaultdict[str, float] = defaultdict(float)
    rows = []
    for (filename, line, name), (_, calls, own, _cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        by_package[package_of(filename)] += own
        rows.append((own, calls, f"{package_of(filename)}:{name}:{line}"))
    total = sum(by_package.values()) or 1.0
    print(f"\n== {label}: {total:.2f} s of CPU under the profiler")
    for package, seconds in sorted(by_package.items(), key=lambda item: -item[1])[:8]:
        print(f"  {seconds / total:6.1%}  {package}")
    print("  slowest functions (own time):")
    for own, calls, where in sorted(rows, reverse=True)[:top]:
        print(f"    {own:6.2f} s  {calls:8d} calls  {where}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--articles", type=int, default=226)
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args()
    model = get_settings().spacy_model
    raws = [admit(submission_from_json(s), uuid.uuid4().hex, datetime.now(UTC), 50_000_000)
            for s in bench_submissions(args.corpus, args.articles)]  # fmt: skip

    def parse_all() -> list[Any]:
        parsed = []
        for raw in raws:
            with contextlib.suppress(RejectedInput):  # a page with no article: nothing to profile
                parsed.append(parse(raw))
        return parsed

    parsed = profile("parse", parse_all, args.top)
    nlp = load_nlp(model)
    enrich_many(parsed[:5], nlp, model)  # model caches and lexicons loaded outside the profile
    enriched = profile("enrich", lambda: enrich_many(parsed, nlp, model), args.top)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(database_engine(f"sqlite:///{folder}/profile.db"))
        store.create_schema()
        profile("store", lambda: [store.save(to_rows(article, datetime.now(UTC))) for article in enriched], args.top)
        store.engine.dispose()


if __name__ == "__main__":
    main()
