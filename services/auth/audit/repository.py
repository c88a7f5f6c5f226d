"""Queries on the audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.auth.models import AuditEvent
from services.auth.tables import check_cursor, sort_key
from services.common.pagination import PageParams, paginate


def page(
    session: Session,
    *,
    params: PageParams,
    event: str | None,
    subject: str | None,
    actor: str | None,
) -> tuple[list[AuditEvent], str | None]:
    """Events in insertion order after the cursor."""
    statement = select(AuditEvent)
    if event is not None:
        statement = statement.where(col(AuditEvent.event) == event)
    if subject is not None:
        statement = statement.where(col(AuditEvent.subject) == subject)
    if actor is not None:
        statement = statement.where(col(AuditEvent.actor) == actor)
    check_cursor(params.cursor, int)
    rows, cursor = paginate(
        session,
        statement,
        key=sort_key(AuditEvent.id),
        params=params,
        key_of=lambda row: [row[0].id],
    )
    return [row[0] for row in rows], cursor


def latest_since(
    session: Session, *, events: frozenset[str], since: datetime
) -> list[tuple[str, datetime]]:
    """Per subject, the latest of ``events`` that occurred after ``since``."""
    statement = (
        select(col(AuditEvent.subject), func.max(col(AuditEvent.occurred_at)))
        .where(col(AuditEvent.event).in_(sorted(events)))
        .where(col(AuditEvent.occurred_at) > since)
        .where(col(AuditEvent.subject).is_not(None))
        .group_by(col(AuditEvent.subject))
        .order_by(col(AuditEvent.subject))
    )
    return [(str(subject), occurred) for subject, occurred in session.exec(statement).all()]
