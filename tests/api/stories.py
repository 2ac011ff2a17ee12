"""Articles made for the query API tests: entities with real spans, chosen times, and stories set by hand
(the store clusters articles itself; these tests clear its stories and write their own, so that what
the API must answer does not depend on clustering, which tests/store covers)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, update

from newsflow_schemas import EnrichedArticle, Entity, Mention, Quote
from services.store.core import to_rows
from services.store.repository import Store
from services.store.tables import articles, stories

T0 = datetime(2024, 9, 8, 12, 0, tzinfo=UTC)
HOSTILE_TITLE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">Hostile title'


def entity(body: str, name: str, kind: str = "PERSON") -> Entity:
    spans = [Mention(start=m.start(), end=m.end(), text=name) for m in re.finditer(re.escape(name), body)]
    return Entity(name=name, type=kind, mentions=len(spans), surface_forms=[name], spans=spans)  # type: ignore[arg-type]


def enriched(article_id: str, title: str, body: str, names: dict[str, str], **fields: Any) -> EnrichedArticle:
    return EnrichedArticle(
        article_id=article_id,
        trace_id=f"trace-{article_id}",
        title=title,
        body=body,
        fingerprint="0123456789abcdef",
        word_count=len(body.split()),
        entities=[entity(body, name, kind) for name, kind in names.items()],
        **fields,
    )


LETTER = enriched(
    "letter",
    "Iran's envoy writes to the UN",
    "Kazem Gharibabadi wrote to Antonio Guterres about the sanctions. "
    'He said "the sanctions are illegal" and asked the United Nations to act.',
    {"Kazem Gharibabadi": "PERSON", "Antonio Guterres": "PERSON", "United Nations": "ORG"},
    published_at=datetime(2024, 9, 7, 9, 0, tzinfo=UTC),
)
SANCTIONS = enriched(
    "sanctions",
    "Sanctions tighten on exports",
    "New sanctioning rules on exports were announced in Brussels. Traders expect delays.",
    {"Brussels": "GPE"},
    published_at=datetime(2024, 9, 7, 15, 30, tzinfo=UTC),
)
WEATHER = enriched(
    "weather",
    "Rain expected in Tehran",
    "Heavy rain is expected in Tehran on Sunday, forecasters said. Kazem Gharibabadi was not available.",
    {"Tehran": "GPE", "Kazem Gharibabadi": "PERSON"},
    published_at=datetime(2024, 9, 8, 6, 0, tzinfo=UTC),
)
HOSTILE_BODY = "A body with <b>markup</b> and <script>window.pwned = 3</script> in its text, about markets."
HOSTILE_QUOTE = "<b>markup</b> and <script>window.pwned = 3</script>"
HOSTILE = enriched(
    "hostile",
    HOSTILE_TITLE,
    HOSTILE_BODY,
    {},
    quotes=[
        Quote(
            text=HOSTILE_QUOTE,
            kind="direct",
            start=HOSTILE_BODY.index(HOSTILE_QUOTE),
            end=HOSTILE_BODY.index(HOSTILE_QUOTE) + len(HOSTILE_QUOTE),
        )
    ],
)
UNDATED = enriched("undated", "No date given", "An article without a publication date, about markets.", {})

ALL = (LETTER, SANCTIONS, WEATHER, HOSTILE, UNDATED)


def save_all(store: Store) -> None:
    """Stored one minute apart in ALL's order; LETTER and SANCTIONS are one story, the rest have none."""
    for minute, item in enumerate(ALL):
        store.save(to_rows(item, T0 + timedelta(minutes=minute)))
    clear_stories(store)
    place_in_story(store, "story-1", "Iran and sanctions", ["letter", "sanctions"])


def clear_stories(store: Store) -> None:
    """Undo the store's own clustering, for tests that set the stories they need by hand."""
    with store.engine.begin() as conn:
        conn.execute(update(articles).values(story_id=None, duplicate_of=None))
        conn.execute(delete(stories))


def place_in_story(store: Store, story_id: str, title: str, article_ids: list[str]) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            stories.insert().values(
                story_id=story_id, title=title, article_count=len(article_ids), first_seen=T0, last_seen=T0
            )
        )
        conn.execute(update(articles).where(articles.c.article_id.in_(article_ids)).values(story_id=story_id))
