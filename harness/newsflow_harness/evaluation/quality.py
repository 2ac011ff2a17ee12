"""`newsflow eval sets`: every dev set on its own, newsflow next to plain trafilatura (and htmldate for dates).

All extractors run in the same process on the same pages; ms/page is each one's own time per page.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import htmldate
import trafilatura

from newsflow_schemas import RawArticle
from services.common.errors import RejectedInput
from services.parse.agency import agency_name
from services.parse.core import parse

from .devsets import DevPage
from .fields import byline_names, same_credits, same_day, same_title
from .shingles import PageScore, Summary, score_page, summarise

FIELDS = ("title", "authors", "date")
# htmldate cannot look past this without a fetch time; Readability's pages give none.
LATEST_WITHOUT_FETCH = datetime(2100, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Answer:
    """What one extractor says about one page."""

    body: str | None = None
    title: str | None = None
    credits: list[str] | None = None  # authors, with the agency when it names one
    date: datetime | date | None = None


@dataclass
class FieldScore:
    correct: int = 0
    wrong: list[tuple[str, object, object]] = field(default_factory=list)  # (page, expected, got)

    @property
    def scored(self) -> int:
        return self.correct + len(self.wrong)

    @property
    def accuracy(self) -> float:
        return self.correct / self.scored if self.scored else 0.0


@dataclass
class SetRun:
    """One extractor on one set."""

    extractor: str
    body: Summary | None
    fields: dict[str, FieldScore]
    ms_per_page: float
    body_pages: dict[str, PageScore] = field(default_factory=dict)

    def figures(self) -> dict[str, float | None]:
        """The figures the floors file pins: body F1 and the field accuracies (None where not scored)."""
        out: dict[str, float | None] = {"body_f1": self.body.f1 if self.body else None}
        for name in FIELDS:
            score = self.fields.get(name)
            out[name] = score.accuracy if score and score.scored else None
        return out


Extractor = Callable[[DevPage], Answer]


def newsflow_answer(page: DevPage) -> Answer:
    raw = RawArticle(
        article_id=f"eval-{page.name}"[:64],
        trace_id="eval",
        content=page.html,
        content_type="html",
        url=page.url,
        fetched_at=page.fetched_at,
    )
    try:
        parsed = parse(raw)
    except RejectedInput:
        return Answer(body="", credits=[])
    credits = list(parsed.authors)
    if parsed.agency:
        credits.append(agency_name(parsed.agency) or parsed.agency)
    return Answer(parsed.body, parsed.title, credits, parsed.published_at)


def trafilatura_answer(page: DevPage) -> Answer:
    """Plain trafilatura with its defaults: body, title, author and date from one call."""
    found = trafilatura.extract(page.html, url=page.url, output_format="json", with_metadata=True)
    if not found:
        return Answer(body="", credits=[])
    data = json.loads(found)
    authors = [name.strip() for name in (data.get("author") or "").split(";") if name.strip()]
    return Answer(data.get("text") or "", data.get("title"), authors, _day(data.get("date")))


def htmldate_answer(page: DevPage) -> Answer:
    """htmldate's extensive search with original-date preference: the date only."""
    latest = (page.fetched_at or LATEST_WITHOUT_FETCH) + timedelta(days=1)
    found = htmldate.find_date(
        page.html, url=page.url, original_date=True, extensive_search=True, max_date=latest.date().isoformat()
    )
    return Answer(date=_day(found))


EXTRACTORS: dict[str, Extractor] = {
    "newsflow": newsflow_answer,
    "trafilatura": trafilatura_answer,
    "htmldate": htmldate_answer,
}


def run_set(set_name: str, extractor_name: str, pages: list[DevPage]) -> SetRun:
    extractor = EXTRACTORS[extractor_name]
    scores = {name: FieldScore() for name in FIELDS}
    bodies: dict[str, PageScore] = {}
    elapsed = 0.0
    for page in pages:
        started = time.perf_counter()
        answer = extractor(page)
        elapsed += time.perf_counter() - started
        if answer.body is not None and page.body is not None:
            bodies[page.name] = score_page(answer.body, page.body)
        for name, right, expected, got in _checks(set_name, page, answer):
            if right:
                scores[name].correct += 1
            else:
                scores[name].wrong.append((page.name, expected, got))
    used = {name: score for name, score in scores.items() if score.scored}
    ms = 1000 * elapsed / len(pages) if pages else 0.0
    return SetRun(extractor_name, summarise(bodies.values()) if bodies else None, used, ms, bodies)


def _checks(set_name: str, page: DevPage, answer: Answer) -> list[tuple[str, bool, object, object]]:
    """(field, right, expected, got) for every field the set knows and the extractor answers."""
    checks: list[tuple[str, bool, object, object]] = []
    if answer.body is not None:  # htmldate gives a date only
        if page.title:
            checks.append(("title", same_title(page, set_name, answer.title), page.title, answer.title))
        expected = page.authors if page.authors is not None else byline_names(page.byline) if page.byline else None
        if expected is not None and (expected or set_name != "readability-dev"):
            got = answer.credits or []
            right = same_credits(expected, got, page, people_only=set_name == "extraction-dev")
            checks.append(("authors", right, expected, got))
    if page.date:
        checks.append(("date", same_day(page.date, answer.date), page.date, answer.date))
    return checks


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
