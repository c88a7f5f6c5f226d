"""The registry's figures for Prometheus: counts only, never a record."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from services.registry.models.handles import alerts


# tenancy: operator metrics: counts by kind and status over every state, no record read
def alert_counts(session: Session) -> list[tuple[str, str, int]]:
    """``(kind, status, count)`` of every kind and status that has alerts."""
    statement = select(alerts.c.kind, alerts.c.status, func.count()).group_by(
        alerts.c.kind, alerts.c.status
    )
    return [(kind, status, int(count)) for kind, status, count in session.execute(statement)]
