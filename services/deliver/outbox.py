"""Subscriptions and their deliveries in the database: the CLI, the query API and the deliver stage all
read and write them through these functions (SQLAlchemy Core, PostgreSQL or SQLite).

A delivery is a row per (subscription, article, revision), or per (subscription, merge) for a
StoryMerged (merge_row): written when the deliver stage reads the event (so a redelivered event adds
none), sent by the stage's sender, rescheduled with back-off when the endpoint fails, and `dead` after
the last attempt: the endpoint's dead-letter list, which `replay` puts back in line.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from newsflow_schemas import StoryMerged
from services.store.paging import as_utc
from services.store.tables import subscriptions, webhook_deliveries

from .core import Subscription
from .filters import Filters

PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"


class BadSubscription(ValueError):
    """A subscription the caller must change (the API answers 422)."""


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadSubscription(f"url: {url!r} is not an http(s) URL with a host")
    return url


def add_subscription(
    engine: Engine, url: str, filters: Filters, now: datetime, description: str | None = None
) -> dict[str, Any]:
    """The new subscription, with its secret (shown this once: the endpoint checks signatures with it)."""
    row = {
        "subscription_id": uuid.uuid4().hex,
        "url": check_url(url),
        "secret": "whsec_" + secrets.token_urlsafe(32),
        "filters": filters.model_dump(exclude_defaults=True),
        "description": description,
        "created_at": now,
    }
    with engine.begin() as conn:
        conn.execute(insert(subscriptions).values(**row))
    return row


def _public(row: Any, counts: dict[str, int] | None = None) -> dict[str, Any]:
    data = dict(row._mapping)
    data.pop("secret", None)
    data["created_at"] = as_utc(data["created_at"])
    data["deliveries"] = {PENDING: 0, DELIVERED: 0, DEAD: 0, **(counts or {})}
    return data


def list_subscriptions(conn: Connection) -> list[dict[str, Any]]:
    """Every subscription (without its secret), oldest first, with its deliveries counted by status."""
    counted = select(webhook_deliveries.c.subscription_id, webhook_deliveries.c.status, func.count()).group_by(
        webhook_deliveries.c.subscription_id, webhook_deliveries.c.status
    )
    counts: dict[str, dict[str, int]] = {}
    for subscription_id, status, count in conn.execute(counted):
        counts.setdefault(subscription_id, {})[status] = count
    rows = conn.execute(select(subscriptions).order_by(subscriptions.c.created_at, subscriptions.c.subscription_id))
    return [_public(row, counts.get(row.subscription_id)) for row in rows]


def get_subscription(conn: Connection, subscription_id: str) -> dict[str, Any] | None:
    return next((s for s in list_subscriptions(conn) if s["subscription_id"] == subscription_id), None)


def remove_subscription(engine: Engine, subscription_id: str) -> bool:
    with engine.begin() as conn:
        conn.execute(delete(webhook_deliveries).where(webhook_deliveries.c.subscription_id == subscription_id))
        removed = conn.execute(delete(subscriptions).where(subscriptions.c.subscription_id == subscription_id))
    return bool(removed.rowcount)


def active_subscriptions(conn: Connection) -> list[Subscription]:
    return [
        Subscription(row.subscription_id, row.url, row.secret, Filters.model_validate(row.filters))
        for row in conn.execute(select(subscriptions).order_by(subscriptions.c.subscription_id))
    ]


def enqueue(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Deliveries for new (subscription, article, revision)s; ones already there are left alone."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(webhook_deliveries).on_conflict_do_nothing(), rows)


def delivery_row(
    subscription_id: str, article_id: str, revision: int, payload: str, now: datetime, event: str = "ArticleStored"
) -> dict[str, Any]:
    return {
        "subscription_id": subscription_id,
        "delivery_id": uuid.uuid4().hex,
        "event": event,
        "article_id": article_id,
        "revision": revision,
        "payload": payload,
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def merge_row(subscription_id: str, merge: StoryMerged, now: datetime) -> dict[str, Any]:
    """A StoryMerged delivery: keyed by its merge_id (in article_id) and revision 0, which no article
    revision is, so it never meets an ArticleStored delivery's key and a merge is queued once."""
    return delivery_row(subscription_id, merge.merge_id, 0, merge.model_dump_json(), now, event="StoryMerged")


def claim_due(engine: Engine, now: datetime, lease_until: datetime, limit: int) -> list[dict[str, Any]]:
    """Pending deliveries due by `now`, each taken by moving its next attempt to `lease_until` if no other
    sender moved it first (compare and set), so replicas never send one twice at once. With its URL and
    secret."""
    query = (
        select(webhook_deliveries, subscriptions.c.url, subscriptions.c.secret)
        .join(subscriptions, subscriptions.c.subscription_id == webhook_deliveries.c.subscription_id)
        .where(webhook_deliveries.c.status == PENDING, webhook_deliveries.c.next_attempt_at <= _db_time(engine, now))
        .order_by(webhook_deliveries.c.next_attempt_at, webhook_deliveries.c.created_at)
        .limit(limit)
    )
    taken = []
    with engine.begin() as conn:
        for row in conn.execute(query).all():
            won = conn.execute(
                update(webhook_deliveries)
                .where(
                    webhook_deliveries.c.delivery_id == row.delivery_id,
                    webhook_deliveries.c.status == PENDING,
                    webhook_deliveries.c.next_attempt_at == row.next_attempt_at,
                )
                .values(next_attempt_at=lease_until)
            )
            if won.rowcount == 1:
                taken.append(dict(row._mapping))
    return taken


def _db_time(engine: Engine, moment: datetime) -> datetime:
    # SQLite keeps datetimes as text without their offset, written in UTC: compare like with like.
    moment = as_utc(moment)
    return moment.replace(tzinfo=None) if engine.dialect.name == "sqlite" else moment


def record_delivered(engine: Engine, delivery_id: str, attempts: int, now: datetime) -> None:
    _set(engine, delivery_id, status=DELIVERED, attempts=attempts, finished_at=now, last_error=None)


def record_failed(
    engine: Engine, delivery_id: str, attempts: int, error: str, retry_at: datetime | None, now: datetime
) -> None:
    """Another attempt at `retry_at`, or (None) dead: on the endpoint's dead-letter list."""
    if retry_at is None:
        _set(engine, delivery_id, status=DEAD, attempts=attempts, last_error=error[:1000], finished_at=now)
    else:
        _set(engine, delivery_id, attempts=attempts, last_error=error[:1000], next_attempt_at=retry_at)


def _set(engine: Engine, delivery_id: str, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(update(webhook_deliveries).where(webhook_deliveries.c.delivery_id == delivery_id).values(**values))


def dead_letters(conn: Connection, subscription_id: str, limit: int = 100) -> list[dict[str, Any]]:
    """The subscription's deliveries that failed every attempt, newest first."""
    query = (
        select(
            webhook_deliveries.c.delivery_id,
            webhook_deliveries.c.event,
            webhook_deliveries.c.article_id,
            webhook_deliveries.c.revision,
            webhook_deliveries.c.attempts,
            webhook_deliveries.c.last_error,
            webhook_deliveries.c.finished_at,
        )
        .where(webhook_deliveries.c.subscription_id == subscription_id, webhook_deliveries.c.status == DEAD)
        .order_by(webhook_deliveries.c.finished_at.desc(), webhook_deliveries.c.article_id)
        .limit(limit)
    )
    rows = [dict(r._mapping) for r in conn.execute(query)]
    for row in rows:
        row["finished_at"] = as_utc(row["finished_at"]) if row["finished_at"] else None
    return rows


def replay(engine: Engine, subscription_id: str, now: datetime) -> int:
    """Put the subscription's dead deliveries back in line, attempts from zero; how many."""
    with engine.begin() as conn:
        result = conn.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.subscription_id == subscription_id, webhook_deliveries.c.status == DEAD)
            .values(status=PENDING, attempts=0, next_attempt_at=now, finished_at=None)
        )
    return int(result.rowcount)


def waiting(conn: Connection) -> int:
    """Deliveries not yet made (pending), for the metrics."""
    query = select(func.count()).select_from(webhook_deliveries).where(webhook_deliveries.c.status == PENDING)
    return int(conn.execute(query).scalar_one())
