"""Alerts: the queue, its counts and CSV export, one alert and its history (triage steps
are in ``triage_router``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from fastapi.responses import StreamingResponse

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.pagination import Page, PageParamsDep
from services.common.replica import ReadEngineDep, ReadSessionDep
from services.common.security import PrincipalDep, ReadScopeDep
from services.registry.alerts import service
from services.registry.alerts.filters import AlertFilterDep
from services.registry.alerts.schemas import AlertCounts, AlertDetail, AlertHistory, AlertRead
from services.registry.export import CSV_RESPONSE, csv_response

router = APIRouter(prefix="/alerts", tags=["alerts"])
AlertId = Annotated[str, Path(max_length=36)]
CSV_HEADER = (
    "id",
    "kind",
    "status",
    "country",
    "mission",
    "declaration_id",
    "record_date",
    "created_at",
    "summary",
    "assignee",
    "outcome",
)


@router.get("", response_model=Page[AlertRead], responses=problem_responses(400, 403, 422))
def list_alerts(
    session: ReadSessionDep,
    scope: ReadScopeDep,
    principal: PrincipalDep,
    page: PageParamsDep,
    queue: AlertFilterDep,
) -> Page[AlertRead]:
    """The triage queue: alerts the caller may see (diversion, linkage, embargo,
    unreturned...), oldest first, filtered by kind, status, country concerned, mission,
    assignee and dates; keyset pagination."""
    alerts, cursor = service.list_alerts(
        session=session, scope=scope, principal=principal, params=page, queue=queue
    )
    return Page(
        items=[AlertRead.model_validate(service.read_of(a)) for a in alerts], next_cursor=cursor
    )


@router.get("/counts", response_model=AlertCounts, responses=problem_responses(403, 422))
def count_alerts(
    session: ReadSessionDep, scope: ReadScopeDep, principal: PrincipalDep, queue: AlertFilterDep
) -> AlertCounts:
    """How many alerts the caller may see, by kind and status (the queue's filters apply)."""
    return AlertCounts.model_validate(
        service.count_alerts(session=session, scope=scope, principal=principal, queue=queue)
    )


@router.get(
    "/export.csv",
    response_class=StreamingResponse,
    responses={**CSV_RESPONSE, **problem_responses(403, 422)},
)
def export_alerts(
    engine: ReadEngineDep, scope: ReadScopeDep, principal: PrincipalDep, queue: AlertFilterDep
) -> StreamingResponse:
    """Every alert the list would show, as CSV streamed page by page."""
    return csv_response(
        engine,
        filename="alerts.csv",
        header=CSV_HEADER,
        fetch_page=lambda s, p: service.list_alerts(
            session=s,
            scope=scope,
            principal=principal,
            params=p,
            queue=queue,
        ),
        to_row=lambda a: (
            a.id,
            a.kind,
            a.status,
            a.country,
            a.mission_code,
            a.declaration_id,
            a.record_date.isoformat(),
            a.created_at.isoformat(),
            a.summary,
            a.assignee or "",
            a.outcome or "",
        ),
    )


@router.get("/{alert_id}", response_model=AlertDetail, responses=problem_responses(403, 404))
def get_alert(
    alert_id: AlertId,
    session: SessionDep,
    scope: ReadScopeDep,
    principal: PrincipalDep,
    response: Response,
) -> AlertDetail:
    """One alert with its evidence and audit trail (404 outside the caller's view); its
    ETag is what If-Match names to change it."""
    alert, events = service.get_alert(
        session=session, scope=scope, principal=principal, alert_id=alert_id
    )
    response.headers["ETag"] = service.etag_of(alert)
    return AlertDetail.model_validate(service.detail(alert, events))


@router.get(
    "/{alert_id}/history", response_model=AlertHistory, responses=problem_responses(403, 404)
)
def alert_history(
    alert_id: AlertId, session: SessionDep, scope: ReadScopeDep, principal: PrincipalDep
) -> AlertHistory:
    """Every step of the alert's triage, oldest first, each with its actor (404 outside
    the caller's view). Steps are only ever added."""
    return AlertHistory.model_validate(
        service.history(session=session, scope=scope, principal=principal, alert_id=alert_id)
    )
