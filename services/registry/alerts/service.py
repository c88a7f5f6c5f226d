"""Reading alerts within tenancy: the queue, one alert, its history and the counts."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from services.common.errors import NotFound
from services.common.pagination import PageParams
from services.common.security import Principal, ReadScope
from services.registry.alerts import repository, triage_repository
from services.registry.alerts.filters import AlertFilter
from services.registry.models import Alert, AlertEvent


def list_alerts(
    *,
    session: Session,
    scope: ReadScope,
    principal: Principal,
    params: PageParams,
    queue: AlertFilter,
) -> tuple[list[Alert], str | None]:
    """A page of the alerts the caller may see that ``queue`` names, oldest first.

    A diversion is seen by the contributing state and by the secretariats of the
    contributing and the declaring states (membership at the event date), not by the
    declaring state itself nor by any other state.
    """
    return repository.list_alerts(
        session,
        scope=scope,
        member_state=principal.org_type == "member_state",
        params=params,
        queue=queue,
    )


def count_alerts(
    *, session: Session, scope: ReadScope, principal: Principal, queue: AlertFilter
) -> dict[str, Any]:
    """How many alerts the caller sees by kind and status (``queue`` narrows them)."""
    rows = triage_repository.counts(
        session, scope=scope, member_state=principal.org_type == "member_state", queue=queue
    )
    items = [{"kind": k, "status": s, "count": n} for k, s, n in sorted(rows)]
    return {"total": sum(n for _, _, n in rows), "items": items}


def get_alert(
    *, session: Session, scope: ReadScope, principal: Principal, alert_id: str
) -> tuple[Alert, list[AlertEvent]]:
    """An alert and its events; 404 if it does not exist or the caller may not see it."""
    return find_alert(
        session=session, scope=scope, principal=principal, alert_id=alert_id
    ), repository.events_of(session, alert_id)


def find_alert(*, session: Session, scope: ReadScope, principal: Principal, alert_id: str) -> Alert:
    """The alert; 404 if it does not exist or the caller may not see it (alike)."""
    alert = repository.get_alert(
        session,
        alert_id=alert_id,
        scope=scope,
        member_state=principal.org_type == "member_state",
    )
    if alert is None:
        raise NotFound("No such alert", code="alert_not_found")
    return alert


def etag_of(alert: Alert) -> str:
    """The alert's strong ETag: its version, bumped by every change of status or assignee."""
    return f'"v{alert.version}"'


def read_of(alert: Alert) -> dict[str, Any]:
    """The alert ready for ``AlertRead``."""
    assignee = (
        {"id": alert.assignee, "organisation": alert.assignee_org or ""} if alert.assignee else None
    )
    return {**alert.model_dump(), "assignee": assignee}


def history_entry(event: AlertEvent) -> dict[str, Any]:
    """One event ready for ``AlertHistoryEntry``."""
    return {
        **event.model_dump(),
        # Every row has an action since registry0015; this covers a row that has none.
        "action": event.action or ("raised" if event.from_status is None else event.to_status),
        "actor": event.submitted_by,
        "comment": event.note,
    }


def history(
    *, session: Session, scope: ReadScope, principal: Principal, alert_id: str
) -> dict[str, Any]:
    """The alert's history, oldest first; 404 outside the caller's view."""
    _, events = get_alert(session=session, scope=scope, principal=principal, alert_id=alert_id)
    return {"alert_id": alert_id, "items": [history_entry(e) for e in events]}


def detail(alert: Alert, events: list[AlertEvent]) -> dict[str, Any]:
    """The alert with its events, ready for ``AlertDetail``."""
    return {
        **read_of(alert),
        "events": [{**e.model_dump(), "submitted_by": e.submitted_by} for e in events],
    }


def detail_of(session: Session, alert: Alert) -> dict[str, Any]:
    """The alert with its events as they are now, ready for ``AlertDetail``."""
    return detail(alert, repository.events_of(session, alert.id))
