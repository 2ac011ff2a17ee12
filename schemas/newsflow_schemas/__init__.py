"""newsflow's public message contract. Depends on Pydantic only; never imports services."""

from . import streams, wire
from .articles import (
    ContentType,
    Dateline,
    EnrichedArticle,
    Entity,
    EntityType,
    Figure,
    Keyword,
    Mention,
    ParsedArticle,
    Quote,
    RawArticle,
    Role,
    Tone,
    Topic,
)
from .base import SCHEMA_VERSION, Envelope, StageTimes
from .events import ArticleStored, DeadLetter, StoryMerged
from .submission import Accepted, AcceptedArticle, ArticleSubmission, RejectedLine
from .wire import decode

__all__ = [
    "SCHEMA_VERSION",
    "Accepted",
    "AcceptedArticle",
    "ArticleStored",
    "ArticleSubmission",
    "ContentType",
    "Dateline",
    "DeadLetter",
    "EnrichedArticle",
    "Entity",
    "EntityType",
    "Envelope",
    "Figure",
    "Keyword",
    "Mention",
    "ParsedArticle",
    "Quote",
    "RawArticle",
    "RejectedLine",
    "Role",
    "StageTimes",
    "StoryMerged",
    "Tone",
    "Topic",
    "decode",
    "streams",
    "wire",
]

# Every model that crosses a stream or the HTTP API; `make schemas` writes one JSON Schema each.
MODELS = (
    RawArticle,
    ParsedArticle,
    EnrichedArticle,
    ArticleStored,
    StoryMerged,
    DeadLetter,
    ArticleSubmission,
    Accepted,
)
