"""Alert triage: assign, acknowledge, comment, close, reopen one alert (with If-Match),
and acknowledge many at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Request, Response

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep
from services.common.security import PrincipalDep, ReadScopeDep
from services.registry.alerts import service, triage
from services.registry.alerts.assignees import AssigneeCheck, check_assignee
from services.registry.alerts.schemas import (
    AcknowledgeRequest,
    AlertDetail,
    AlertHistoryEntry,
    AssignRequest,
    BulkAcknowledged,
    BulkAcknowledgeRequest,
    CloseRequest,
    CommentRequest,
    ReopenRequest,
)
from services.registry.mail.directory import PeopleDirectory
from services.registry.models import Alert

router = APIRouter(prefix="/alerts", tags=["alerts"])
AlertId = Annotated[str, Path(max_length=36)]
IfMatch = Annotated[
    str | None,
    Header(max_length=1024, description="The alert's ETag as you read it (required)"),
]
CHANGE_PROBLEMS = problem_responses(403, 404, 409, 412, 422, 428)


def _answer(alert: Alert, session: SessionDep, response: Response) -> AlertDetail:
    response.headers["ETag"] = service.etag_of(alert)
    return AlertDetail.model_validate(service.detail_of(session, alert))


@router.post(
    "/acknowledge",
    response_model=BulkAcknowledged,
    responses=problem_responses(403, 409, 422),
    summary="Acknowledge many open alerts at once (ids or a filter; all or nothing)",
)
def acknowledge_alerts(
    body: BulkAcknowledgeRequest, session: SessionDep, scope: ReadScopeDep, principal: PrincipalDep
) -> BulkAcknowledged:
    """For linkage floods: at most 500 alerts, each reported (acknowledged or already
    acknowledged). One that cannot be (not visible, closed, not the caller's to
    acknowledge) refuses the whole request with a 422 naming each; nothing is written."""
    return BulkAcknowledged.model_validate(
        triage.bulk_acknowledge(session=session, scope=scope, principal=principal, body=body)
    )


async def assignee_check(
    body: AssignRequest, principal: PrincipalDep, request: Request
) -> AssigneeCheck:
    """The assignee, looked up in auth's people directory before the alert is read."""
    directory: PeopleDirectory = request.app.state.people_directory
    return await check_assignee(directory=directory, principal=principal, assignee=body.assignee)


@router.post(
    "/{alert_id}/assign",
    response_model=AlertDetail,
    responses=problem_responses(403, 404, 409, 412, 422, 428, 503),
)
def assign_alert(
    alert_id: AlertId,
    check: Annotated[AssigneeCheck, Depends(assignee_check)],
    session: SessionDep,
    scope: ReadScopeDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> AlertDetail:
    """Assign the alert to the caller, to nobody (null), or to an enabled person of the
    caller's secretariat whose role triages alerts (an analyst or admin, as auth lists
    them: `GET /auth/v1/organisations/{code}/triagers`); anyone else is a 422 naming
    `assignee`. A 503 with Retry-After when auth cannot be asked who that is."""
    alert = triage.assign(
        session=session,
        scope=scope,
        principal=principal,
        alert_id=alert_id,
        check=check,
        if_match=if_match,
    )
    return _answer(alert, session, response)


@router.post("/{alert_id}/acknowledge", response_model=AlertDetail, responses=CHANGE_PROBLEMS)
def acknowledge_alert(
    alert_id: AlertId,
    body: AcknowledgeRequest,
    session: SessionDep,
    scope: ReadScopeDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> AlertDetail:
    """open → acknowledged: a secretariat's analysts and admins, or the state whose
    materiel it is about; 409 from any other status."""
    alert = triage.acknowledge(
        session=session,
        scope=scope,
        principal=principal,
        alert_id=alert_id,
        note=body.note,
        if_match=if_match,
    )
    return _answer(alert, session, response)


@router.post(
    "/{alert_id}/comments",
    status_code=201,
    response_model=AlertHistoryEntry,
    responses=problem_responses(403, 404, 422),
)
def comment_alert(
    alert_id: AlertId,
    body: CommentRequest,
    session: SessionDep,
    scope: ReadScopeDep,
    principal: PrincipalDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Add a comment to the alert's history, whatever its status (``Idempotency-Key``
    makes a retry safe)."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    event = triage.comment(
        session=session, scope=scope, principal=principal, alert_id=alert_id, text=body.text
    )
    return idempotency.respond(AlertHistoryEntry.model_validate(service.history_entry(event)))


@router.post("/{alert_id}/close", response_model=AlertDetail, responses=CHANGE_PROBLEMS)
def close_alert(
    alert_id: AlertId,
    body: CloseRequest,
    session: SessionDep,
    scope: ReadScopeDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> AlertDetail:
    """open or acknowledged → closed, with an outcome (and a note, required with
    ``other``); 409 if closed already."""
    alert = triage.close(
        session=session,
        scope=scope,
        principal=principal,
        alert_id=alert_id,
        outcome=body.outcome,
        note=body.note,
        if_match=if_match,
    )
    return _answer(alert, session, response)


@router.post("/{alert_id}/reopen", response_model=AlertDetail, responses=CHANGE_PROBLEMS)
def reopen_alert(
    alert_id: AlertId,
    body: ReopenRequest,
    session: SessionDep,
    scope: ReadScopeDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> AlertDetail:
    """closed → open, with the reason; the outcome is cleared (the history keeps it)."""
    alert = triage.reopen(
        session=session,
        scope=scope,
        principal=principal,
        alert_id=alert_id,
        reason=body.reason,
        if_match=if_match,
    )
    return _answer(alert, session, response)
