"""The envelope every newsflow message carries: version, identity, trace and stage times."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

# Minor versions add optional fields only (1.1: ParsedArticle.updated_at and image_url,
# ArticleStored.revision; 1.2: enrichment's roles, quotes, figures, keywords, topics, countries, tone,
# and ArticleStored.story_id and duplicate_of; 1.3: RawArticle.description and image_url,
# ParsedArticle.parsed_from, the submission's description and image_url, Accepted.rejected; 1.4:
# ArticleStored.canonical_url, source, word_count and href, and its title falls back to a wire's first
# sentence; 1.5: a new event, StoryMerged on stories.merged, and no change to the earlier messages);
# readers ignore fields they do not know, so a 1.0 subscriber reads 1.5.
SCHEMA_VERSION = "1.5"


def _convertible_to_utc(moment: datetime) -> datetime:
    # 0001-01-01T00:00+05:00 and 9999-12-31T23:59-05:00 are valid ISO dates with no UTC instant: every
    # store and query works in UTC, so such a date would fail there instead of here.
    if moment.tzinfo is not None:
        try:
            moment.astimezone(UTC)
        except OverflowError:
            raise ValueError("the date falls outside years 1-9999 once converted to UTC") from None
    return moment


UtcDatetime = Annotated[datetime, AfterValidator(_convertible_to_utc)]
"""A datetime that has an instant in UTC: an aware one converts to UTC without leaving years 1-9999."""

Stage = Literal["ingest", "parse", "enrich", "store"]


class StageTimes(BaseModel):
    """When each stage finished with the article (UTC). Later stages copy the earlier times."""

    model_config = ConfigDict(frozen=True)

    ingested_at: datetime | None = None
    parsed_at: datetime | None = None
    enriched_at: datetime | None = None
    stored_at: datetime | None = None


class Envelope(BaseModel):
    """Fields shared by all article messages.

    Unknown fields are ignored so that a subscriber on an older minor version keeps working
    when a producer adds fields; a major bump of `schema_version` means a breaking change.
    """

    model_config = ConfigDict(extra="ignore")

    schema_version: str = SCHEMA_VERSION
    article_id: str = Field(description="Stable id: from the canonical URL, else the normalised content.")
    trace_id: str = Field(description="Follows one submission through every stage and log line.")
    times: StageTimes = Field(default_factory=StageTimes)

    def stamped(self, stage: Stage, when: datetime) -> Self:
        """A copy with `when` recorded as the time `stage` finished."""
        field = {
            "ingest": "ingested_at",
            "parse": "parsed_at",
            "enrich": "enriched_at",
            "store": "stored_at",
        }[stage]
        return self.model_copy(update={"times": self.times.model_copy(update={field: when})})
