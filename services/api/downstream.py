"""Query API routes for downstream users: the events a subscriber missed (GET /v1/events, and
/v1/story-merges for StoryMerged) and webhook subscriptions (/v1/subscriptions). Included by create_app."""

# No `from __future__ import annotations`: FastAPI reads the handlers' annotations at registration.
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from newsflow_schemas import ArticleStored, StoryMerged
from services.deliver import outbox
from services.deliver.filters import Filters
from services.store import events as store_events
from services.store.paging import DEFAULT_LIMIT, BadParameter, Cursor, as_utc
from services.store.search import fts5_query

from . import models
from .deps import (
    _ERRORS,
    CursorParam,
    Db,
    Limit,
    Since,
    Until,
    _api,
    _link,
    check_interval,
    refuse_nul,
    require_key,
)

downstream = APIRouter(prefix="/v1", dependencies=[Depends(require_key), Depends(refuse_nul)], responses=_ERRORS)


class EventPage(BaseModel):
    items: list[ArticleStored]
    next: str | None = Field(description="The next page's URL (path and query); None on the last page.")


@downstream.get("/events", response_model=EventPage)
def list_events(
    request: Request,
    db: Db,
    updated_after: Since = None,
    updated_before: Until = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: CursorParam = None,
) -> dict[str, Any]:
    """ArticleStored events rebuilt from the store, oldest change first: the current revision of each
    article last changed in [updated_after, updated_before). For subscribers that missed events the
    stream no longer holds (it keeps them NEWSFLOW_STREAM_RETENTION_S). An article the story merge pass
    moved is changed at the merge's time: it comes again, same revision, with its new story_id."""
    check_interval("updated", updated_after, updated_before)
    items, after = store_events.changed_between(
        db,
        updated_after,
        updated_before,
        limit,
        Cursor.decode(cursor) if cursor else None,
        _api(request).settings.public_api_url,
    )
    return {"items": items, "next": _link(request, cursor=after.encode()) if after else None}


class MergePage(BaseModel):
    items: list[StoryMerged]
    next: str | None = Field(description="The next page's URL (path and query); None on the last page.")


@downstream.get("/story-merges", response_model=MergePage)
def list_story_merges(
    request: Request,
    db: Db,
    merged_after: Since = None,
    merged_before: Until = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: CursorParam = None,
) -> dict[str, Any]:
    """StoryMerged events of the merges made in [merged_after, merged_before), oldest first: for
    subscribers of stories.merged that missed events the stream no longer holds. Each merge_id once."""
    check_interval("merged", merged_after, merged_before)
    items, after = store_events.merges_between(
        db, merged_after, merged_before, limit, Cursor.decode(cursor) if cursor else None
    )
    return {"items": items, "next": _link(request, cursor=after.encode()) if after else None}


class NewSubscription(BaseModel):
    url: str = Field(description="The endpoint (http or https) that receives the POSTs.")
    filters: Filters = Field(default_factory=Filters, description="Every given field must match; none: all.")
    description: str | None = Field(default=None, max_length=500)


class SubscriptionOut(BaseModel):
    subscription_id: str
    url: str
    filters: dict[str, Any]
    description: str | None
    created_at: datetime
    deliveries: dict[str, int] = Field(description="Deliveries by status: pending, delivered, dead.")


class CreatedSubscription(SubscriptionOut):
    secret: str = Field(description="Signs every POST (X-Newsflow-Signature); shown only here.")


class SubscriptionPage(BaseModel):
    items: list[SubscriptionOut]
    next: str | None


class DeadDelivery(BaseModel):
    delivery_id: str
    event: str = Field(description="ArticleStored, or StoryMerged (then article_id is its merge_id, revision 0).")
    article_id: str
    revision: int
    attempts: int
    last_error: str | None
    finished_at: datetime | None


class DeadDeliveryPage(BaseModel):
    items: list[DeadDelivery]
    next: str | None


def _engine(request: Request) -> Engine:
    return _api(request).engine  # type: ignore[no-any-return]


@downstream.post("/subscriptions", response_model=CreatedSubscription, status_code=201)
def create_subscription(request: Request, new: NewSubscription) -> dict[str, Any]:
    """Subscribe an endpoint to the ArticleStored events whose article passes the filters (entity, topic,
    country, language, source: any of the values; query: full text as /v1/search), and with `events`
    including StoryMerged to the story merges whose moved articles pass them. The deliver stage POSTs each
    as JSON (X-Newsflow-Event names which), signed with the secret this answer holds."""
    if new.filters.query:
        fts5_query(new.filters.query)  # a query /v1/search would refuse is refused here too
    try:
        row = outbox.add_subscription(_engine(request), new.url, new.filters, datetime.now(UTC), new.description)
    except outbox.BadSubscription as exc:
        raise BadParameter(str(exc)) from exc
    return {**row, "created_at": as_utc(row["created_at"]), "deliveries": {"pending": 0, "delivered": 0, "dead": 0}}


@downstream.get("/subscriptions", response_model=SubscriptionPage)
def list_subscriptions(db: Db) -> dict[str, Any]:
    """Every subscription, oldest first (their secrets are never shown again)."""
    return {"items": outbox.list_subscriptions(db), "next": None}


@downstream.get(
    "/subscriptions/{subscription_id}", response_model=SubscriptionOut, responses={404: {"model": models.Problem}}
)
def get_subscription(subscription_id: str, db: Db) -> dict[str, Any]:
    if (found := outbox.get_subscription(db, subscription_id)) is None:
        raise HTTPException(404, f"no subscription {subscription_id}")
    return found


@downstream.delete("/subscriptions/{subscription_id}", status_code=204, responses={404: {"model": models.Problem}})
def delete_subscription(request: Request, subscription_id: str) -> Response:
    """Unsubscribe: the subscription and its deliveries go."""
    if not outbox.remove_subscription(_engine(request), subscription_id):
        raise HTTPException(404, f"no subscription {subscription_id}")
    return Response(status_code=204)


@downstream.get("/subscriptions/{subscription_id}/dead-letters", response_model=DeadDeliveryPage)
def subscription_dead_letters(subscription_id: str, db: Db, limit: Limit = DEFAULT_LIMIT) -> dict[str, Any]:
    """Deliveries to this endpoint that failed every attempt, newest first."""
    return {"items": outbox.dead_letters(db, subscription_id, limit), "next": None}


@downstream.post("/subscriptions/{subscription_id}/dead-letters:replay", response_model=dict[str, int])
def replay_dead_letters(request: Request, subscription_id: str) -> dict[str, int]:
    """Send this endpoint's dead letters again, attempts from zero."""
    return {"replayed": outbox.replay(_engine(request), subscription_id, datetime.now(UTC))}
