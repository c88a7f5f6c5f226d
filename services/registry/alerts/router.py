"""Alerts: list, read, acknowledge, close, CSV export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.pagination import Page, PageParamsDep
from services.common.security import PrincipalDep, ReadScopeDep
from services.registry.alerts import service
from services.registry.alerts.schemas import (
    AcknowledgeRequest,
    AlertDetail,
    AlertKind,
    AlertRead,
    AlertStatus,
    CloseRequest,
)
from services.registry.export import CSV_RESPONSE, csv_response

router = APIRouter(prefix="/alerts", tags=["alerts"])
AlertId = Annotated[str, Path(max_length=36)]
Country = Annotated[str | None, Query(min_length=3, max_length=3)]
Mission = Annotated[str | None, Query(max_length=32)]
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
)


@router.get("", response_model=Page[AlertRead], responses=problem_responses(400, 403))
def list_alerts(
    session: SessionDep,
    scope: ReadScopeDep,
    principal: PrincipalDep,
    page: PageParamsDep,
    kind: AlertKind | None = None,
    status: AlertStatus | None = None,
    country: Country = None,
    mission: Mission = None,
) -> Page[AlertRead]:
    """Alerts the caller may see (diversion, linkage, embargo, unreturned), oldest first,
    filtered by kind, status, country concerned and mission; keyset pagination."""
    alerts, cursor = service.list_alerts(
        session=session,
        scope=scope,
        principal=principal,
        params=page,
        kind=kind,
        status=status,
        country=country,
        mission=mission,
    )
    return Page(items=[AlertRead.model_validate(a) for a in alerts], next_cursor=cursor)


@router.get(
    "/export.csv",
    response_class=StreamingResponse,
    responses={**CSV_RESPONSE, **problem_responses(403)},
)
def export_alerts(
    request: Request,
    scope: ReadScopeDep,
    principal: PrincipalDep,
    kind: AlertKind | None = None,
    status: AlertStatus | None = None,
    country: Country = None,
    mission: Mission = None,
) -> StreamingResponse:
    """Every alert the list would show, as CSV streamed page by page."""
    return csv_response(
        request.app.state.engine,
        filename="alerts.csv",
        header=CSV_HEADER,
        fetch_page=lambda s, p: service.list_alerts(
            session=s,
            scope=scope,
            principal=principal,
            params=p,
            kind=kind,
            status=status,
            country=country,
            mission=mission,
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
        ),
    )


@router.get("/{alert_id}", response_model=AlertDetail, responses=problem_responses(403, 404))
def get_alert(
    alert_id: AlertId, session: SessionDep, scope: ReadScopeDep, principal: PrincipalDep
) -> AlertDetail:
    """One alert with its evidence and audit trail (404 outside the caller's view)."""
    alert, events = service.get_alert(
        session=session, scope=scope, principal=principal, alert_id=alert_id
    )
    return AlertDetail.model_validate(service.detail(alert, events))


@router.post(
    "/{alert_id}/acknowledge",
    response_model=AlertDetail,
    responses=problem_responses(403, 404, 409, 422),
)
def acknowledge_alert(
    alert_id: AlertId,
    body: AcknowledgeRequest,
    session: SessionDep,
    scope: ReadScopeDep,
    principal: PrincipalDep,
) -> AlertDetail:
    """open → acknowledged (secretariats and the operator); 409 from any other status."""
    alert, events = service.change_status(
        session=session,
        scope=scope,
        principal=principal,
        alert_id=alert_id,
        to_status="acknowledged",
        note=body.note,
    )
    return AlertDetail.model_validate(service.detail(alert, events))


@router.post(
    "/{alert_id}/close", response_model=AlertDetail, responses=problem_responses(403, 404, 409, 422)
)
def close_alert(
    alert_id: AlertId,
    body: CloseRequest,
    session: SessionDep,
    scope: ReadScopeDep,
    principal: PrincipalDep,
) -> AlertDetail:
    """open or acknowledged → closed, with a note saying what was found; 409 if closed."""
    alert, events = service.change_status(
        session=session,
        scope=scope,
        principal=principal,
        alert_id=alert_id,
        to_status="closed",
        note=body.note,
    )
    return AlertDetail.model_validate(service.detail(alert, events))
