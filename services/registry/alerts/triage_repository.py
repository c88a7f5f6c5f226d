"""Queries of alert triage: conditional changes (If-Match), the history, counts and the
alerts a bulk acknowledgement names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from services.common.security import ReadScope
from services.registry.alerts.filters import AlertFilter
from services.registry.alerts.repository import filtered, visible
from services.registry.models import Alert, AlertEvent
from services.registry.models.handles import alert_events, alerts


@dataclass(frozen=True)
class Actor:
    """Who takes a step, as the token says."""

    id: str
    organisation: str
    type: str


def change(
    session: Session,
    *,
    alert_id: str,
    version: int,
    from_statuses: Sequence[str],
    values: dict[str, Any],
    now: datetime,
) -> bool:
    """Apply ``values`` to the alert if it is still at ``version`` and in one of
    ``from_statuses``, bumping the version; False (nothing written) otherwise."""
    changed = session.execute(
        update(alerts)
        .where(
            alerts.c.id == alert_id,
            alerts.c.version == version,
            alerts.c.status.in_(from_statuses),
        )
        .values(**values, version=alerts.c.version + 1, updated_at=now)
    )
    return bool(changed.rowcount == 1)  # type: ignore[attr-defined]


def append_step(
    session: Session,
    *,
    alert_id: str,
    action: str,
    actor: Actor,
    at: datetime,
    from_status: str,
    to_status: str,
    note: str | None = None,
    from_assignee: str | None = None,
    to_assignee: str | None = None,
    outcome: str | None = None,
) -> None:
    """Add one step to the alert's history (the table refuses updates and deletes)."""
    session.execute(
        insert(alert_events).values(
            alert_id=alert_id,
            action=action,
            from_status=from_status,
            to_status=to_status,
            note=note,
            from_assignee=from_assignee,
            to_assignee=to_assignee,
            outcome=outcome,
            actor=actor.id,
            actor_org=actor.organisation,
            actor_type=actor.type,
            at=at,
        )
    )


def last_step(session: Session, alert_id: str) -> AlertEvent:
    """The step just appended to the alert's history."""
    statement = (
        select(AlertEvent)
        .where(alert_events.c.alert_id == alert_id)
        .order_by(alert_events.c.id.desc())
        .limit(1)
    )
    event: AlertEvent = session.execute(statement).scalars().one()
    return event


def counts(
    session: Session, *, scope: ReadScope, member_state: bool, queue: AlertFilter
) -> list[tuple[str, str, int]]:
    """(kind, status, count) of the alerts the caller sees that ``queue`` names."""
    t = alerts
    statement = filtered(
        select(t.c.kind, t.c.status, func.count()).where(visible(scope, member_state=member_state)),
        queue,
    ).group_by(t.c.kind, t.c.status)
    return [(k, s, int(n)) for k, s, n in session.execute(statement).all()]


def visible_among(
    session: Session, *, scope: ReadScope, member_state: bool, ids: Sequence[str]
) -> dict[str, Alert]:
    """The alerts of ``ids`` the caller sees, by id (the others are left out)."""
    statement = select(Alert).where(
        alerts.c.id.in_(list(ids)), visible(scope, member_state=member_state)
    )
    return {a.id: a for a in session.execute(statement).scalars()}


def open_matching(
    session: Session, *, scope: ReadScope, member_state: bool, queue: AlertFilter, limit: int
) -> list[Alert]:
    """Up to ``limit`` open alerts the caller sees that ``queue`` names, oldest first."""
    statement = (
        filtered(select(Alert).where(visible(scope, member_state=member_state)), queue)
        .where(alerts.c.status == "open")
        .order_by(alerts.c.created_at, alerts.c.id)
        .limit(limit)
    )
    return list(session.execute(statement).scalars())
