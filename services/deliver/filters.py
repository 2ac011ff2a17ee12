"""What a webhook subscription wants: which events (ArticleStored unless told, StoryMerged on request),
and filters on entity, topic, country, language, source and a full-text query. A field given must match
(all fields), by any of its values (one of them); nothing given matches every article. Names compare
case- and space-insensitively. A story merge passes when one of the articles it moved does."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from newsflow_schemas import ArticleStored, EnrichedArticle

FIELDS = ("events", "entity", "topic", "country", "language", "source", "query")
# The events a webhook can receive, by their model's name (sent as X-Newsflow-Event).
Event = Literal["ArticleStored", "StoryMerged"]


def _article_events() -> list[Event]:
    return ["ArticleStored"]  # what every subscription received before StoryMerged could be asked for


class Filters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[Event] = Field(
        default_factory=_article_events,
        min_length=1,
        description="The events wanted: ArticleStored (the default) and/or StoryMerged (story merges).",
    )
    entity: list[str] = Field(default_factory=list, description="An entity's canonical name, any type.")
    topic: list[str] = Field(default_factory=list, description="A topic label (e.g. politics).")
    country: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2: a country it names.")
    language: list[str] = Field(default_factory=list, description="ISO 639-1, e.g. en.")
    source: list[str] = Field(default_factory=list, description="The source, site name or agency code.")
    query: str | None = Field(default=None, max_length=500, description="Full-text, as /v1/search takes it.")

    @field_validator("entity", "topic", "country", "language", "source")
    @classmethod
    def _not_blank(cls, values: list[str]) -> list[str]:
        if any(not value.strip() for value in values):
            raise ValueError("a filter value may not be blank")
        return values


def folded(value: str | None) -> str:
    return " ".join((value or "").casefold().split())


def _any(wanted: list[str], present: Iterable[str | None]) -> bool:
    have = {folded(value) for value in present if value}
    return any(folded(value) in have for value in wanted)


def matches_fields(filters: Filters, event: ArticleStored | None, article: EnrichedArticle) -> bool:
    """Every article filter but the full-text query (which the database answers); `event`: the
    article's ArticleStored, when there is one."""
    languages = [event.language if event else None, article.detected_language, (article.language or "").split("-")[0]]
    checks = (
        (filters.entity, [e.name for e in article.entities]),
        (filters.topic, [t.label for t in article.topics]),
        (filters.country, [*article.countries, article.main_country]),
        (filters.language, languages),
        (filters.source, [article.source, article.site_name, article.agency, article.agency_name]),
    )
    return all(not wanted or _any(wanted, present) for wanted, present in checks)


def parse_filter_options(options: list[str]) -> Filters:
    """`KEY=VALUE` strings (the CLI's --filter) as Filters; a ValueError that names a bad one."""
    data: dict[str, list[str] | str] = {}
    for option in options:
        key, sep, value = option.partition("=")
        key = key.strip()
        if not sep or key not in FIELDS:
            raise ValueError(f"{option!r}: give KEY=VALUE with KEY one of {', '.join(FIELDS)}")
        if key == "query":
            data["query"] = value
        elif key == "events":
            events = data.setdefault("events", [])
            assert isinstance(events, list)
            events.extend(v.strip() for v in value.split(",") if v.strip())
        else:
            values = data.setdefault(key, [])
            assert isinstance(values, list)
            values.append(value.strip())
    return Filters.model_validate(data)
