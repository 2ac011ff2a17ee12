"""Floors for newsflow's extraction on a small fixed sample of each dev set (30 pages, every n-th by name).

The whole sets take minutes (`newsflow eval sets`); this sample takes seconds, so a rule that breaks
titles, authors, dates or bodies on pages it was not written for fails CI. Each floor is the sample's
figure when it was set less one page (0.01 of body F1), and over the three sets together a field may
lose one page: a change may move one page, not more.
Raising a floor after a real gain is welcome; lowering one needs the full sets' figures to say why.
"""

from __future__ import annotations

import time

import pytest

from newsflow_harness.corpus import CORPUS
from newsflow_harness.evaluation.devsets import DevPage, load_set
from newsflow_harness.evaluation.quality import SetRun, run_set

SAMPLE_PAGES = 30
# Set from the sample on 2026-11-30 (title, authors, date: pages right of pages scored; body: F1).
FLOORS: dict[str, dict[str, float]] = {
    "extraction-dev": {"body_f1": 0.960, "title": 29 / 30, "authors": 29 / 30, "date": 27 / 28},
    "fundus-dev": {"body_f1": 0.942, "title": 24 / 30, "authors": 23 / 29, "date": 28 / 30},
    "readability-dev": {"body_f1": 0.919, "title": 22 / 29, "authors": 16 / 17, "date": 9 / 10},
}
# Pages right over the three samples together: one page may move, two lost in different sets fail.
TOTAL_FLOORS = {"title": 77, "authors": 70, "date": 66}
MAX_SECONDS = 30


def sample(pages: list[DevPage]) -> list[DevPage]:
    """Every n-th page in name order: fixed, and spread over the set's sites."""
    return pages[:: max(1, len(pages) // SAMPLE_PAGES)][:SAMPLE_PAGES]


@pytest.fixture(scope="module")
def runs() -> dict[str, SetRun]:
    if not all((CORPUS / name).is_dir() for name in FLOORS):
        pytest.skip(f"dev sets not found in {CORPUS}")
    started = time.perf_counter()
    found = {name: run_set(name, "newsflow", sample(load_set(name, CORPUS))) for name in FLOORS}
    assert time.perf_counter() - started < MAX_SECONDS
    return found


@pytest.mark.parametrize("set_name", sorted(FLOORS))
def test_each_field_stays_above_its_floor(runs: dict[str, SetRun], set_name: str) -> None:
    figures = runs[set_name].figures()
    low = {
        field: (round(got, 4), floor)
        for field, floor in FLOORS[set_name].items()
        if (got := figures[field]) is None or got < floor - 1e-9
    }
    assert not low, f"{set_name}: below the floor (got, floor): {low}"


def test_the_sets_together_lose_at_most_one_page_per_field(runs: dict[str, SetRun]) -> None:
    right = {field: sum(run.fields[field].correct for run in runs.values()) for field in TOTAL_FLOORS}
    low = {field: (right[field], floor) for field, floor in TOTAL_FLOORS.items() if right[field] < floor}
    assert not low, f"pages right over all samples below the floor (got, floor): {low}"


def test_the_sample_is_fixed_and_spread() -> None:
    pages = [DevPage(name=f"p{i:03}", html="", url=None, fetched_at=None) for i in range(258)]
    picked = sample(pages)
    assert len(picked) == SAMPLE_PAGES
    assert picked[0].name == "p000" and picked[-1].name == "p232"
    assert sample(pages[:7]) == pages[:7]
