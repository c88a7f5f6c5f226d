"""The outbox's queries: events written, fanned out to endpoints, delivered in order."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, event, insert, select, text, update
from sqlmodel import Session

from services.common.tables import utcnow
from services.registry.models import NotificationEvent, WebhookDelivery, WebhookEndpoint
from services.registry.models.handles import (
    notification_events,
    webhook_deliveries,
    webhook_endpoints,
)

DISABLED_FOR_FAILURES = "deliveries failed since"
"""How the reason of an endpoint the worker disabled (not its organisation) begins."""
_LOCK = "hashtextextended('registry:webhooks-worker', 0)"


_QUEUED = "salw_notification_events"
"""``session.info`` key of the events queued in the session's transaction."""


def insert_event(
    session: Session,
    *,
    message_id: str,
    event_type: str,
    subject_id: str,
    dedupe_key: str | None,
    payloads: dict[str, Any],
    grants: list[Any],
) -> bool:
    """Add an event to the outbox in the session's transaction; False (nothing written)
    if ``dedupe_key`` is taken.

    An event without a dedupe key is queued on the session and inserted with the others
    in one statement just before the transaction commits (a seizure raising 10,000
    alerts pays one batched insert, not 10,000); a rollback drops the queue with the
    transaction. An event with a key is inserted at once (after the queue, in order)."""
    row = {
        "message_id": message_id,
        "type": event_type,
        "subject_id": subject_id,
        "dedupe_key": dedupe_key,
        "payloads": payloads,
        "grants": grants,
        "occurred_at": utcnow(),
        "fanned_out_at": None,
    }
    if dedupe_key is None:
        session.info.setdefault(_QUEUED, []).append(row)
        return True
    flush_queued(session)
    taken = session.execute(
        select(notification_events.c.id).where(notification_events.c.dedupe_key == dedupe_key)
    ).first()
    if taken is not None:
        return False
    session.execute(insert(notification_events), [row])
    return True


def flush_queued(session: Session) -> None:
    """Insert the events queued in the session's transaction (in the order emitted)."""
    rows = session.info.pop(_QUEUED, None)
    if rows:
        session.execute(insert(notification_events), rows)


def _drop_queued(session: Session, *_: Any) -> None:
    session.info.pop(_QUEUED, None)


# Every session of the registry: queued events are written as its transaction commits,
# and dropped when it rolls back.
event.listen(Session, "before_commit", flush_queued)
event.listen(Session, "after_rollback", _drop_queued)


def events_to_fan_out(session: Session, *, limit: int) -> list[NotificationEvent]:
    """The oldest events not yet fanned out, in outbox order."""
    t = notification_events
    statement = (
        select(NotificationEvent).where(t.c.fanned_out_at.is_(None)).order_by(t.c.id).limit(limit)
    )
    return list(session.execute(statement).scalars())


def active_endpoints(session: Session) -> list[WebhookEndpoint]:
    """Every active endpoint (the fan-out matches each event against them)."""
    t = webhook_endpoints
    statement = select(WebhookEndpoint).where(t.c.status == "active").order_by(t.c.id)
    return list(session.execute(statement).scalars())


def add_deliveries(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Queue deliveries (one event for one endpoint each)."""
    if rows:
        session.execute(insert(webhook_deliveries), list(rows))


def mark_fanned_out(session: Session, event_ids: Sequence[int], at: datetime) -> None:
    """These events have their deliveries queued."""
    t = notification_events
    session.execute(update(t).where(t.c.id.in_(event_ids)).values(fanned_out_at=at))


def endpoints_with_pending(session: Session) -> list[str]:
    """Active endpoints that have something to deliver."""
    d, e = webhook_deliveries, webhook_endpoints
    statement = (
        select(d.c.endpoint_id)
        .join(e, e.c.id == d.c.endpoint_id)
        .where(d.c.status == "pending", e.c.status == "active")
        .group_by(d.c.endpoint_id)
    )
    return [row[0] for row in session.execute(statement)]


def pending_head(session: Session, endpoint_id: str, *, limit: int) -> list[WebhookDelivery]:
    """The endpoint's oldest pending deliveries, in order (the first decides: a delivery
    in backoff holds back those behind it, so they arrive in order)."""
    d = webhook_deliveries
    statement = (
        select(WebhookDelivery)
        .where(d.c.endpoint_id == endpoint_id, d.c.status == "pending")
        .order_by(d.c.id)
        .limit(limit)
    )
    return list(session.execute(statement).scalars())


def mark_delivered(session: Session, delivery_ids: Sequence[int], *, at: datetime) -> None:
    """These deliveries were answered with a 2xx."""
    if not delivery_ids:
        return
    d = webhook_deliveries
    session.execute(
        update(d)
        .where(d.c.id.in_(delivery_ids))
        .values(
            status="delivered",
            attempts=d.c.attempts + 1,
            last_status_code=None,
            last_error=None,
            last_attempt_at=at,
            delivered_at=at,
        )
    )


@contextlib.contextmanager
def pass_lock(engine: Engine) -> Iterator[bool]:
    """True if this process may run a delivery pass now: on PostgreSQL, one process at a
    time (a session advisory lock, given back after the pass); SQLite has one process."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as connection:
        got = bool(connection.execute(text(f"SELECT pg_try_advisory_lock({_LOCK})")).scalar())
        connection.commit()
        try:
            yield got
        finally:
            if got:
                connection.execute(text(f"SELECT pg_advisory_unlock({_LOCK})"))
                connection.commit()


def record_outcome(session: Session, delivery_id: int, **values: Any) -> None:
    """Store one attempt's outcome on the delivery."""
    d = webhook_deliveries
    session.execute(update(d).where(d.c.id == delivery_id).values(**values))


def get_endpoint(session: Session, endpoint_id: str) -> WebhookEndpoint | None:
    """An endpoint by id (whoever owns it)."""
    return session.get(WebhookEndpoint, endpoint_id)


def add_endpoint(session: Session, endpoint: WebhookEndpoint) -> None:
    """Store a new endpoint."""
    session.add(endpoint)
    session.flush()


def disable_endpoint(session: Session, endpoint_id: str, *, reason: str, at: datetime) -> bool:
    """Disable an active endpoint, saying why; its pending deliveries fail with it.
    False if it was not active."""
    e, d = webhook_endpoints, webhook_deliveries
    changed = session.execute(
        update(e)
        .where(e.c.id == endpoint_id, e.c.status == "active")
        .values(status="disabled", disabled_reason=reason[:1000], disabled_at=at)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.execute(
        update(d)
        .where(d.c.endpoint_id == endpoint_id, d.c.status == "pending")
        .values(status="failed", last_error=f"endpoint disabled: {reason}"[:1000])
    )
    return True


def refresh_periods(session: Session, *, org: str, periods: list[list[Any]]) -> None:
    """A secretariat's membership periods as just seen on one of its requests."""
    e = webhook_endpoints
    session.execute(
        update(e).where(e.c.org == org, e.c.org_type == "secretariat").values(periods=periods)
    )


def get_delivery(session: Session, endpoint_id: str, delivery_id: int) -> WebhookDelivery | None:
    """One delivery of the endpoint."""
    d = webhook_deliveries
    statement = select(WebhookDelivery).where(d.c.id == delivery_id, d.c.endpoint_id == endpoint_id)
    return session.execute(statement).scalars().first()


def add_delivery(session: Session, delivery: WebhookDelivery) -> WebhookDelivery:
    """Queue one delivery (a redelivery)."""
    session.add(delivery)
    session.flush()
    return delivery
