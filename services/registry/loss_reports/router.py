"""Loss reports of contingent-owned equipment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.replica import ReadSessionDep
from services.common.security import ReadScopeDep
from services.registry.deps import WriterDep
from services.registry.loss_reports import service
from services.registry.loss_reports.schemas import (
    LossItemRead,
    LossReportCreate,
    LossReportDetail,
    LossReportRead,
)
from services.registry.models import LossReport, LossReportItem

router = APIRouter(prefix="/loss-reports", tags=["loss-reports"])


def _detail(report: LossReport, items: list[LossReportItem]) -> LossReportDetail:
    return LossReportDetail(
        **LossReportRead.model_validate(report).model_dump(),
        items=[LossItemRead.model_validate(i) for i in items],
    )


@router.post(
    "",
    status_code=201,
    response_model=LossReportDetail,
    responses=problem_responses(403, 422),
)
def create_loss_report(
    payload: LossReportCreate,
    principal: WriterDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Report COE lost, stolen or captured in an attack (``manifests:write``, own country).

    Items refer to weapons (serial) and lots the contingent declared in; an
    unknown serial or lot, or more than the contingent still holds, is a 422.
    """
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    report, items = service.create_loss_report(
        session=session, principal=principal, payload=payload
    )
    return idempotency.respond(
        _detail(report, items), headers={"Location": f"/registry/v1/loss-reports/{report.id}"}
    )


@router.get("", response_model=Page[LossReportRead], responses=problem_responses(403))
def list_loss_reports(
    # A heavy read, on the replica when usable; a report just written is read back by
    # its id (get_loss_report), on the primary.
    session: ReadSessionDep,
    scope: ReadScopeDep,
    page: PageParamsDep,
    mission: Annotated[str | None, Query(max_length=32)] = None,
    country: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
) -> Page[LossReportRead]:
    """Loss reports the caller may read."""
    reports, cursor = service.list_loss_reports(
        session=session, scope=scope, params=page, mission=mission, country=country
    )
    return Page(items=[LossReportRead.model_validate(r) for r in reports], next_cursor=cursor)


@router.get("/{report_id}", response_model=LossReportDetail, responses=problem_responses(403, 404))
def get_loss_report(report_id: str, session: SessionDep, scope: ReadScopeDep) -> LossReportDetail:
    """One loss report with its items (404 outside the caller's tenancy)."""
    report, items = service.get_loss_report(session=session, scope=scope, report_id=report_id)
    return _detail(report, items)
