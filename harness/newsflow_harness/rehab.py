"""Two events of one kind for the story merge tests: three reports of Lindsay Lohan entering rehab,
each a story of its own until the merge pass rejoins them, and one of Amy Winehouse that must stay
apart (same clinic, same words, another person)."""

from __future__ import annotations

from datetime import datetime, timedelta

from newsflow_schemas import EnrichedArticle, Entity

CLINIC = [("Betty Ford Center", "FAC", 2), ("Rancho Mirage", "GPE", 1)]


def report(article_id: str, person: str, hours: int, title: str, now: datetime) -> EnrichedArticle:
    """A report `hours` after the day before `now`, naming `person` and the clinic."""
    names = [(person, "PERSON", 4), *CLINIC]
    return EnrichedArticle(
        article_id=article_id,
        trace_id=f"t-{article_id}",
        title=title,
        # Bodies of their own: a near-duplicate would join its original's story whatever the threshold.
        body=f"{title}. {' '.join(f'{article_id}-{n}' for n in range(40))}",
        fingerprint="0123456789abcdef",
        detected_language="en",
        published_at=now - timedelta(days=1) + timedelta(hours=hours),
        entities=[Entity(name=n, type=t, mentions=m, surface_forms=[n]) for n, t, m in names],  # type: ignore[arg-type]
    )


def lohan_reports(now: datetime) -> list[EnrichedArticle]:
    return [
        report("lohan-1", "Lindsay Lohan", 0, "Lindsay Lohan enters rehab clinic", now),
        report("lohan-2", "Lindsay Lohan", 2, "Lohan checks into Betty Ford rehab", now),
        report("lohan-3", "Lindsay Lohan", 5, "Actress Lohan begins rehab stay", now),
    ]


def winehouse_report(now: datetime) -> EnrichedArticle:
    return report("winehouse-1", "Amy Winehouse", 1, "Amy Winehouse enters rehab clinic", now)
