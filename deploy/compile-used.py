"""Build stage of deploy/Dockerfile, after slim-venv.sh: start what every process starts with, run one
article through parse and enrich and the migrations on an empty SQLite database, so that the build fails
when the slimmed virtualenv is broken; then write byte code for newsflow and for every module that ran.

Byte code for the rest of the virtualenv (other languages' spaCy data, SQLAlchemy dialects and brokers we
do not use...) would double its size for modules no process imports. Unchecked hash: the image's sources
never change, and the root filesystem is read-only on Kubernetes, so nothing could be compiled and kept
at run time.
"""

from __future__ import annotations

import compileall
import importlib.util
import py_compile
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import uvicorn

import services
import services.cli
from newsflow_schemas import RawArticle
from services.api.app import create_app as api_app
from services.common.pipeline import STREAM_STAGES
from services.common.settings import Settings
from services.common.stage import build_app
from services.enrich.core import enrich
from services.enrich.model import load_nlp
from services.ingest.app import create_app as ingest_app
from services.parse.core import parse
from services.store import schema
from services.store.repository import database_engine

PAGE = (
    "<html><head><title>Talks in Paris</title></head><body><article><h1>Talks in Paris</h1>"
    "<p>PARIS, Sept. 7 (Reuters) - Emmanuel Macron met Olaf Scholz in Paris on Tuesday, the Elysee said.</p>"
    "<p>They spoke about trade and energy for an hour, and agreed to meet again in Berlin.</p>"
    "</article></body></html>"
)


def start_up(settings: Settings) -> None:
    """What each process builds at start (nothing connects yet): the stage workers, ingest, the API."""
    for spec in STREAM_STAGES:
        build_app(spec, settings)
    ingest_app(settings)
    api_app(settings)


def run_once() -> None:
    model = Settings().spacy_model
    raw = RawArticle(article_id="0" * 32, trace_id="build", content=PAGE, content_type="html",
                     url="https://example.com/talks", fetched_at=datetime.now(UTC))  # fmt: skip
    article = enrich(parse(raw), load_nlp(model), model)
    if {"FR", "DE"} - set(article.countries):
        raise SystemExit(f"the image's enrich stage found {article.countries}, not France and Germany")
    with tempfile.TemporaryDirectory() as folder:
        engine = database_engine(f"sqlite:///{folder}/check.db")
        schema.upgrade(engine)
        schema.require_current(engine)
        engine.dispose()


def compile_used(site: Path) -> int:
    compiled = 0
    for module in list(sys.modules.values()):
        source = getattr(module, "__file__", None)
        if source and source.endswith(".py") and Path(source).is_relative_to(site):
            py_compile.compile(source, cfile=importlib.util.cache_from_source(source), doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)  # fmt: skip
            compiled += 1
    return compiled


if __name__ == "__main__":
    assert uvicorn and services.cli  # imported: what `newsflow worker` and `newsflow api` run first
    with tempfile.TemporaryDirectory() as folder:
        start_up(Settings(database_url=f"sqlite:///{folder}/start.db"))
    run_once()
    # Only in the image: unchecked byte code in a working copy would hide later edits of its sources.
    if sys.argv[1:] == ["--compile"]:
        site = Path(services.__file__).resolve().parents[1]
        count = compile_used(site)
        for package in (site / "services", site / "newsflow_schemas"):  # all of ours, migrations included
            compileall.compile_dir(package, quiet=1, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        print(f"byte code for {count} imported modules and for newsflow")
