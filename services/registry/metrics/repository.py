"""The registry's figures for Prometheus: counts only, never a record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from services.registry.models.handles import (
    alerts,
    mail_messages,
    notification_events,
    webhook_deliveries,
    webhook_endpoints,
)
from services.registry.notifications.repository import DISABLED_FOR_FAILURES


# tenancy: operator metrics: counts by kind and status over every state, no record read
def alert_counts(session: Session) -> list[tuple[str, str, int]]:
    """``(kind, status, count)`` of every kind and status that has alerts."""
    statement = select(alerts.c.kind, alerts.c.status, func.count()).group_by(
        alerts.c.kind, alerts.c.status
    )
    return [(kind, status, int(count)) for kind, status, count in session.execute(statement)]


# tenancy: operator metrics: the outbox's backlog over every state, counts and times only
def events_not_fanned_out(session: Session) -> tuple[int, datetime | None]:
    """How many outbox events wait for the webhook worker's fan-out, and the oldest's time."""
    e = notification_events
    row = session.execute(
        select(func.count(), func.min(e.c.occurred_at)).where(e.c.fanned_out_at.is_(None))
    ).one()
    return int(row[0]), row[1]


# tenancy: operator metrics: the deliveries' backlog over every endpoint, counts and times only
def pending_deliveries(session: Session) -> tuple[int, datetime | None]:
    """How many webhook deliveries wait (first try or retry), and the oldest one's creation."""
    d = webhook_deliveries
    row = session.execute(
        select(func.count(), func.min(d.c.created_at)).where(d.c.status == "pending")
    ).one()
    return int(row[0]), row[1]


def endpoint_counts(session: Session) -> list[tuple[str, int]]:
    """``(status, count)`` of the webhook endpoints (active, disabled)."""
    e = webhook_endpoints
    statement = select(e.c.status, func.count()).group_by(e.c.status)
    return [(status, int(count)) for status, count in session.execute(statement)]


def endpoints_disabled_for_failures(session: Session) -> int:
    """Endpoints the delivery worker disabled after failing for the retry period (not
    those their organisation disabled)."""
    e = webhook_endpoints
    statement = select(func.count()).where(
        e.c.status == "disabled", e.c.disabled_reason.startswith(DISABLED_FOR_FAILURES)
    )
    return int(session.execute(statement).scalar_one())


def unsent_mail(session: Session) -> tuple[list[tuple[str, int]], datetime | None]:
    """``(status, count)`` of the messages not sent (pending, sending, failed, kept), and
    the creation time of the oldest one still to send (pending or sending)."""
    m = mail_messages
    unsent = ("pending", "sending", "failed", "kept")
    counts = session.execute(
        select(m.c.status, func.count()).where(m.c.status.in_(unsent)).group_by(m.c.status)
    )
    oldest = session.execute(
        select(func.min(m.c.created_at)).where(m.c.status.in_(("pending", "sending")))
    ).scalar_one()
    return [(status, int(count)) for status, count in counts], oldest
