"""Triage of alerts: assign, acknowledge, comment, close with an outcome, reopen, and
acknowledge many at once; each step appended to the alert's history with its actor.

Who may: a secretariat's analysts and admins (``alerts:triage``) every step on the
alerts they see; a member state's writers acknowledge and comment the alerts about
its own materiel (the state an alert concerns); everyone else reads. An alert the
caller may not see is a 404, whatever the step. Single-alert changes of status or
assignee need ``If-Match`` with the alert's ETag (428 without, 412 when stale).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from services.common.errors import (
    Conflict,
    FieldProblem,
    Forbidden,
    PreconditionFailed,
    PreconditionRequired,
    ValidationFailed,
)
from services.common.scopes import Scope
from services.common.security import Principal, ReadScope
from services.common.tables import utcnow
from services.registry.alerts import repository as alerts_repository
from services.registry.alerts import triage_repository
from services.registry.alerts.assignees import AssigneeCheck
from services.registry.alerts.filters import AlertFilter
from services.registry.alerts.schemas import BULK_LIMIT, BulkAcknowledgeRequest
from services.registry.alerts.service import etag_of, find_alert
from services.registry.alerts.triage_repository import Actor
from services.registry.models import Alert, AlertEvent

STATE_STEPS = frozenset({"acknowledged", "commented"})
"""What a member state may do to an alert about its own materiel."""
_WRITERS = (Scope.MANIFESTS_WRITE, Scope.DECLARATIONS_WRITE)


def refusal(principal: Principal, alert: Alert, action: str) -> str | None:
    """Why the caller may not take ``action`` on ``alert`` (None: it may)."""
    if principal.org_type == "secretariat":
        if principal.has_scope(Scope.ALERTS_TRIAGE):
            return None
        return f"Triaging alerts needs the '{Scope.ALERTS_TRIAGE}' scope (analysts and admins)"
    if principal.org_type == "member_state" and any(principal.has_scope(s) for s in _WRITERS):
        if action not in STATE_STEPS:
            return "A state acknowledges and comments alerts; its secretariat does the rest"
        if alert.country != principal.country:
            return "A state acknowledges and comments only the alerts about its own materiel"
        return None
    return "Secretariats' analysts and admins triage alerts; this caller reads them"


def _may_acknowledge_some(principal: Principal) -> bool:
    if principal.org_type == "secretariat":
        return principal.has_scope(Scope.ALERTS_TRIAGE)
    return principal.org_type == "member_state" and any(principal.has_scope(s) for s in _WRITERS)


def _permitted(principal: Principal, alert: Alert, action: str) -> None:
    why = refusal(principal, alert, action)
    if why is not None:
        raise Forbidden(why, code="alert_triage_forbidden")


def _check_if_match(alert: Alert, if_match: str | None) -> None:
    if if_match is None:
        raise PreconditionRequired(
            "Send If-Match with the alert's ETag (from reading it)", code="if_match_required"
        )
    # RFC 9110 13.1.1: strong comparison; a weak tag matches nothing.
    candidates = [tag.strip() for tag in if_match.split(",")]
    if "*" not in candidates and etag_of(alert) not in candidates:
        raise PreconditionFailed(
            "The alert changed since you read it; read it again and decide again",
            code="stale_alert",
        )


def _actor(principal: Principal) -> Actor:
    return Actor(id=principal.client_id, organisation=principal.org, type=principal.subject_type)


def _step(
    session: Session,
    *,
    scope: ReadScope,
    principal: Principal,
    alert_id: str,
    action: str,
    if_match: str | None,
    from_statuses: tuple[str, ...],
    to_status: str | None,
    values: dict[str, Any],
    note: str | None,
    problems: Callable[[], list[FieldProblem]] | None = None,
) -> Alert:
    """The one path of a single-alert change: 404, 403, 422 (or 503 from ``problems``),
    428, 412, 409 in that order, then the conditional update and its history step."""
    alert = find_alert(session=session, scope=scope, principal=principal, alert_id=alert_id)
    _permitted(principal, alert, action)
    if problems is not None and (found := problems()):
        raise ValidationFailed(found)
    _check_if_match(alert, if_match)
    if alert.status not in from_statuses:
        raise Conflict(
            f"An alert that is {alert.status} cannot be {action}", code="invalid_transition"
        )
    now = utcnow()
    status = to_status or alert.status
    if not triage_repository.change(
        session,
        alert_id=alert_id,
        version=alert.version,
        from_statuses=from_statuses,
        values={"status": status, **values},
        now=now,
    ):
        raise PreconditionFailed(
            "The alert changed while this request ran; read it again", code="stale_alert"
        )
    triage_repository.append_step(
        session,
        alert_id=alert_id,
        action=action,
        actor=_actor(principal),
        at=now,
        from_status=alert.status,
        to_status=status,
        note=note,
        from_assignee=alert.assignee if "assignee" in values else None,
        to_assignee=values.get("assignee"),
        outcome=values.get("outcome"),
    )
    if status != alert.status or "assignee" in values:
        alerts_repository.announce_update(session, alert_id, change=f"{action}:{status}")
    session.refresh(alert)
    return alert


def assign(
    *,
    session: Session,
    scope: ReadScope,
    principal: Principal,
    alert_id: str,
    check: AssigneeCheck,
    if_match: str | None,
) -> Alert:
    """Assign the alert to a person of the caller's secretariat who triages alerts (None:
    to nobody), as ``check`` found them in auth's directory (422 naming ``assignee``
    otherwise, 503 if auth could not be asked); an open or acknowledged alert only (409
    once closed)."""
    assignee = check.assignee
    return _step(
        session,
        scope=scope,
        principal=principal,
        alert_id=alert_id,
        action="assigned",
        if_match=if_match,
        from_statuses=("open", "acknowledged"),
        to_status=None,
        values={"assignee": assignee, "assignee_org": principal.org if assignee else None},
        note=None,
        problems=check.problems,
    )


def acknowledge(
    *,
    session: Session,
    scope: ReadScope,
    principal: Principal,
    alert_id: str,
    note: str | None,
    if_match: str | None,
) -> Alert:
    """open → acknowledged (409 from any other status)."""
    return _step(
        session,
        scope=scope,
        principal=principal,
        alert_id=alert_id,
        action="acknowledged",
        if_match=if_match,
        from_statuses=("open",),
        to_status="acknowledged",
        values={},
        note=note,
    )


def close(
    *,
    session: Session,
    scope: ReadScope,
    principal: Principal,
    alert_id: str,
    outcome: str,
    note: str | None,
    if_match: str | None,
) -> Alert:
    """open or acknowledged → closed with what was found; ``other`` needs a note."""
    problems = []
    if outcome == "other" and not note:
        problems.append(FieldProblem(loc="note", msg="is required when the outcome is other"))
    return _step(
        session,
        scope=scope,
        principal=principal,
        alert_id=alert_id,
        action="closed",
        if_match=if_match,
        from_statuses=("open", "acknowledged"),
        to_status="closed",
        values={"outcome": outcome, "outcome_note": note},
        note=note,
        problems=lambda: problems,
    )


def reopen(
    *,
    session: Session,
    scope: ReadScope,
    principal: Principal,
    alert_id: str,
    reason: str,
    if_match: str | None,
) -> Alert:
    """closed → open, the outcome cleared (it stays in the history) and the reason kept."""
    return _step(
        session,
        scope=scope,
        principal=principal,
        alert_id=alert_id,
        action="reopened",
        if_match=if_match,
        from_statuses=("closed",),
        to_status="open",
        values={"outcome": None, "outcome_note": None},
        note=reason,
    )


def comment(
    *, session: Session, scope: ReadScope, principal: Principal, alert_id: str, text: str
) -> AlertEvent:
    """Add a comment to the alert's history, whatever its status (no If-Match: a comment
    changes neither status nor assignee, so it cannot overwrite anyone's decision)."""
    alert = find_alert(session=session, scope=scope, principal=principal, alert_id=alert_id)
    _permitted(principal, alert, "commented")
    triage_repository.append_step(
        session,
        alert_id=alert_id,
        action="commented",
        actor=_actor(principal),
        at=utcnow(),
        from_status=alert.status,
        to_status=alert.status,
        note=text,
    )
    return triage_repository.last_step(session, alert_id)


def _bulk_targets(
    session: Session, *, scope: ReadScope, principal: Principal, body: BulkAcknowledgeRequest
) -> list[tuple[str, str, Alert | None]]:
    """(loc, id, alert or None when the caller may not see it) for each alert named."""
    member_state = principal.org_type == "member_state"
    if body.ids is not None:
        ids = list(dict.fromkeys(body.ids))
        found = triage_repository.visible_among(
            session, scope=scope, member_state=member_state, ids=ids
        )
        return [(f"ids[{body.ids.index(i)}]", i, found.get(i)) for i in ids]
    assert body.filter is not None
    f = body.filter
    queue = AlertFilter(
        kind=f.kind,
        country=f.country.upper() if f.country else None,
        mission=f.mission.upper() if f.mission else None,
        assignee=f.assignee,
        raised_from=f.raised_from,
        raised_to=f.raised_to,
        record_from=f.record_from,
        record_to=f.record_to,
    )
    if problems := queue.problems("filter."):
        raise ValidationFailed(problems)
    matching = triage_repository.open_matching(
        session, scope=scope, member_state=member_state, queue=queue, limit=BULK_LIMIT + 1
    )
    if len(matching) > BULK_LIMIT:
        raise ValidationFailed(
            [FieldProblem(loc="filter", msg=f"matches more than {BULK_LIMIT} open alerts")],
            detail=f"Narrow the filter: one request acknowledges at most {BULK_LIMIT} alerts",
            code="too_many_alerts",
        )
    return [(f"alerts[{n}]", a.id, a) for n, a in enumerate(matching)]


def bulk_acknowledge(
    *, session: Session, scope: ReadScope, principal: Principal, body: BulkAcknowledgeRequest
) -> dict[str, Any]:
    """Acknowledge every open alert named (by ``ids`` or ``filter``), all or nothing.

    Already acknowledged alerts are reported unchanged. An id the caller may not see
    (or that does not exist, alike), a closed alert or one the caller may not
    acknowledge refuses the whole request: 422 naming each, nothing written.
    """
    if (body.ids is None) == (body.filter is None):
        raise ValidationFailed(
            [
                FieldProblem(loc="ids", msg="give ids or filter, not both"),
                FieldProblem(loc="filter", msg="give ids or filter, not both"),
            ]
        )
    if not _may_acknowledge_some(principal):
        raise Forbidden(
            "Secretariats' analysts and admins, and states' writers, acknowledge alerts",
            code="alert_triage_forbidden",
        )
    targets = _bulk_targets(session, scope=scope, principal=principal, body=body)
    problems = []
    for loc, _, alert in targets:
        if alert is None:
            problems.append(FieldProblem(loc=loc, msg="no such alert"))
        elif (why := refusal(principal, alert, "acknowledged")) is not None:
            problems.append(FieldProblem(loc=loc, msg=why))
        elif alert.status == "closed":
            problems.append(FieldProblem(loc=loc, msg="is closed; reopen it first"))
    if problems:
        raise ValidationFailed(
            problems,
            detail=f"Nothing was acknowledged: {len(problems)} of {len(targets)} alerts cannot be",
            code="bulk_refused",
        )
    now = utcnow()
    results = []
    for _, alert_id, alert in targets:
        assert alert is not None
        if alert.status == "acknowledged":
            results.append(
                {"id": alert_id, "result": "already_acknowledged", "version": alert.version}
            )
            continue
        if not triage_repository.change(
            session,
            alert_id=alert_id,
            version=alert.version,
            from_statuses=("open",),
            values={"status": "acknowledged"},
            now=now,
        ):
            raise Conflict(
                f"Alert {alert_id} changed while this request ran; nothing was acknowledged",
                code="bulk_conflict",
            )
        triage_repository.append_step(
            session,
            alert_id=alert_id,
            action="acknowledged",
            actor=_actor(principal),
            at=now,
            from_status="open",
            to_status="acknowledged",
            note=body.note,
        )
        alerts_repository.announce_update(session, alert_id, change="acknowledged:acknowledged")
        results.append({"id": alert_id, "result": "acknowledged", "version": alert.version + 1})
    done = sum(r["result"] == "acknowledged" for r in results)
    return {"acknowledged": done, "unchanged": len(results) - done, "results": results}
