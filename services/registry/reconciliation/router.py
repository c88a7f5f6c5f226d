"""Reconciliation of a mission's movements."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from services.common.errors import problem_responses
from services.common.pagination import Page, PageParamsDep
from services.common.replica import ReadEngineDep, ReadSessionDep
from services.common.security import ReadScopeDep
from services.registry.export import CSV_RESPONSE, csv_response
from services.registry.holdings.service import require_mission
from services.registry.reconciliation import service
from services.registry.reconciliation.schemas import ReconciliationLine

router = APIRouter(prefix="/reconciliation", tags=["reconciliation"])


@router.get("", response_model=Page[ReconciliationLine], responses=problem_responses(403, 422))
def reconcile(
    session: ReadSessionDep,
    scope: ReadScopeDep,
    page: PageParamsDep,
    mission: Annotated[str, Query(max_length=32, description="Mission code, e.g. MINUSCA")],
    country: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    kind: Literal["weapon", "ammunition"] | None = None,
    discrepancies_only: bool = False,
) -> Page[ReconciliationLine]:
    """in − out − lost − destroyed for every weapon and ammunition lot of the mission, with
    the latest evidence (manifest, loss-report and declaration ids and dates); discrepancies
    first. Destroyed: destructions the contributing state declared of its own COE. A
    rotation has ended (``not_taken_out``) when the mission has or an ``out`` manifest
    closed it; an ``in`` manifest's planned ``rotation_end_date`` is no proof of exit and
    ends nothing here (see ``GET /rotations/ending``)."""
    lines, cursor = service.reconcile(
        session=session,
        scope=scope,
        mission=mission,
        country=country,
        kind=kind,
        discrepancies_only=discrepancies_only,
        params=page,
    )
    return Page(items=lines, next_cursor=cursor)


CSV_HEADER = (
    "kind",
    "mission",
    "contributing_country",
    "category",
    "manufacturer",
    "model",
    "calibre",
    "serial_number",
    "lot_number",
    "quantity_in",
    "quantity_out",
    "quantity_lost",
    "quantity_destroyed",
    "balance",
    "status",
    "rotation_ended",
)


@router.get(
    "/export.csv",
    response_class=StreamingResponse,
    responses={**CSV_RESPONSE, **problem_responses(403, 422)},
)
def export_reconciliation(
    engine: ReadEngineDep,
    session: ReadSessionDep,
    scope: ReadScopeDep,
    mission: Annotated[str, Query(max_length=32, description="Mission code, e.g. MINUSCA")],
    country: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    kind: Literal["weapon", "ammunition"] | None = None,
    discrepancies_only: bool = False,
) -> StreamingResponse:
    """The whole reconciliation of a mission as CSV, streamed page by page."""
    code = require_mission(session, mission)
    return csv_response(
        engine,
        filename=f"reconciliation-{code}.csv",
        header=CSV_HEADER,
        fetch_page=lambda s, p: service.reconcile(
            session=s,
            scope=scope,
            mission=code,
            country=country,
            kind=kind,
            discrepancies_only=discrepancies_only,
            params=p,
        ),
        to_row=lambda line: [getattr(line, column) for column in CSV_HEADER],
    )
