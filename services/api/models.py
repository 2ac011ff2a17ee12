"""What the query API answers, as models: they validate the answers and document them in OpenAPI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ArticleSummary(BaseModel):
    article_id: str
    title: str | None
    url: str | None = Field(description="The URL the scraper sent (as in the document).")
    canonical_url: str | None = Field(default=None, description="The URL the page declares as canonical.")
    source: str | None
    site_name: str | None
    language: str | None
    agency: str | None
    published_at: datetime | None
    stored_at: datetime
    story_id: str | None = Field(description="None until story clustering has placed the article.")
    duplicate_of: str | None = Field(default=None, description="The first stored copy, when this is a near-duplicate.")
    word_count: int
    lead: str = Field(description="The body's first 200 characters: something to show when there is no title.")


class ArticlePage(BaseModel):
    items: list[ArticleSummary]
    next: str | None = Field(description="The next page's URL (path and query); None on the last page.")


class Article(BaseModel):
    article_id: str
    story_id: str | None
    duplicate_of: str | None
    revision: int = Field(description="1 when first stored; one more each time its content changed.")
    stored_at: datetime
    updated_at: datetime
    document: dict[str, Any] = Field(
        description="The whole enriched article (schema EnrichedArticle): body, entities with their spans "
        "(character offsets into body), quotes, figures, keywords, topics, tone ..."
    )


class SearchHit(ArticleSummary):
    snippet: str = Field(description="Plain text from the body around the matches; never markup.")
    highlights: list[tuple[int, int]] = Field(description="[start, end) offsets of the matched words in snippet.")
    rank: float = Field(description="Relevance; larger is better, comparable within one search only.")


class SearchPage(BaseModel):
    items: list[SearchHit]
    next: str | None


class EntityCount(BaseModel):
    entity_id: str
    name: str
    type: str
    articles: int = Field(description="Stored articles that name it.")


class EntityPage(BaseModel):
    items: list[EntityCount]
    next: str | None = Field(description="The next page's URL (path and query); None on the last page.")


class Story(BaseModel):
    story_id: str
    title: str | None
    article_count: int
    first_seen: datetime
    last_seen: datetime


class StoryPage(BaseModel):
    items: list[Story]
    next: str | None


class StoryDetail(Story):
    articles: ArticlePage = Field(description="Its articles, newest first; follow `next` for more.")


class Consumer(BaseModel):
    name: str
    pending: int
    idle_s: float


class StageStatus(BaseModel):
    stage: str
    stream: str
    length: int
    pending: int
    backlog: int | None = Field(description="Pending plus unread; None while the stage's group does not exist.")
    done_last_minute: int
    consumers: list[Consumer]


class DownstreamGroup(BaseModel):
    group: str
    stream: str
    pending: int = Field(description="Entries delivered to the group and not yet acknowledged.")
    lag: int | None = Field(description="Entries not yet read by the group; None when Redis cannot tell.")
    idle_s: float | None = Field(description="Since the group was last read; None: never read.")
    consumers: int
    stale: bool = Field(description="Idle past NEWSFLOW_STALE_GROUP_S: trimming no longer waits for it.")


class PipelineStatus(BaseModel):
    stages: list[StageStatus]
    dlq: int
    stored_last_minute: int
    downstream: list[DownstreamGroup] = Field(description="Consumer groups of subscribers on the streams.")
    stored_articles: int = Field(description="Articles in the store.")


class Problem(BaseModel):
    detail: str
