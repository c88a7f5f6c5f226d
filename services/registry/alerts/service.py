"""Reading alerts within tenancy, and their lifecycle open → acknowledged → closed."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from services.common.errors import Conflict, Forbidden, NotFound
from services.common.pagination import PageParams
from services.common.security import Principal, ReadScope
from services.registry.alerts import repository
from services.registry.models import Alert, AlertEvent

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "acknowledged": ("open",),
    "closed": ("open", "acknowledged"),
}


def list_alerts(
    *,
    session: Session,
    scope: ReadScope,
    principal: Principal,
    params: PageParams,
    kind: str | None = None,
    status: str | None = None,
    country: str | None = None,
    mission: str | None = None,
) -> tuple[list[Alert], str | None]:
    """A page of the alerts the caller may see, oldest first.

    A diversion is seen by the contributing state and by the secretariats of the
    contributing and the declaring states (membership at the event date), not by the
    declaring state itself nor by any other state.
    """
    return repository.list_alerts(
        session,
        scope=scope,
        member_state=principal.org_type == "member_state",
        params=params,
        kind=kind,
        status=status,
        country=country.upper() if country else None,
        mission=mission.upper() if mission else None,
    )


def get_alert(
    *, session: Session, scope: ReadScope, principal: Principal, alert_id: str
) -> tuple[Alert, list[AlertEvent]]:
    """An alert and its events; 404 if it does not exist or the caller may not see it."""
    alert = repository.get_alert(
        session,
        alert_id=alert_id,
        scope=scope,
        member_state=principal.org_type == "member_state",
    )
    if alert is None:
        raise NotFound("No such alert", code="alert_not_found")
    return alert, repository.events_of(session, alert_id)


def change_status(
    *,
    session: Session,
    scope: ReadScope,
    principal: Principal,
    alert_id: str,
    to_status: str,
    note: str | None,
) -> tuple[Alert, list[AlertEvent]]:
    """Acknowledge or close an alert, appending the transition to its audit trail.

    Secretariats manage the alerts they see, as does the operator when it reads the
    register; member states read theirs (403). A transition the alert's status does not
    allow (closing twice, acknowledging a closed alert) is 409 ``invalid_transition``.
    """
    alert, _ = get_alert(session=session, scope=scope, principal=principal, alert_id=alert_id)
    if principal.org_type == "member_state":
        raise Forbidden("Secretariats and the operator manage alerts", code="alert_management")
    allowed = TRANSITIONS[to_status]
    moved = repository.transition(
        session,
        alert_id=alert_id,
        from_statuses=allowed,
        to_status=to_status,
        note=note,
        actor=principal.client_id,
        actor_org=principal.org,
        actor_type=principal.subject_type,
    )
    if not moved:
        raise Conflict(
            f"An alert that is {alert.status} cannot become {to_status}",
            code="invalid_transition",
        )
    session.refresh(alert)
    return alert, repository.events_of(session, alert_id)


def detail(alert: Alert, events: list[AlertEvent]) -> dict[str, Any]:
    """The alert with its events, ready for ``AlertDetail``."""
    return {
        **alert.model_dump(),
        "events": [{**e.model_dump(), "submitted_by": e.submitted_by} for e in events],
    }
