"""What the query API answers, as models: they validate the answers and document them in OpenAPI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ArticleSummary(BaseModel):
    article_id: str
    title: str | None
    url: str | None = Field(description="The canonical URL when the page declared one.")
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


class PipelineStatus(BaseModel):
    stages: list[StageStatus]
    dlq: int
    stored_last_minute: int
    stored_articles: int = Field(description="Articles in the store.")


class Problem(BaseModel):
    detail: str
