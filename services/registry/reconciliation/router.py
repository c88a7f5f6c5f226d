"""Reconciliation of a mission's movements."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.pagination import Page, PageParamsDep
from services.common.security import ReadScopeDep
from services.registry.reconciliation import service
from services.registry.reconciliation.schemas import ReconciliationLine

router = APIRouter(prefix="/reconciliation", tags=["reconciliation"])


@router.get("", response_model=Page[ReconciliationLine], responses=problem_responses(403, 422))
def reconcile(
    session: SessionDep,
    scope: ReadScopeDep,
    page: PageParamsDep,
    mission: Annotated[str, Query(max_length=32, description="Mission code, e.g. MINUSCA")],
    country: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    kind: Literal["weapon", "ammunition"] | None = None,
    discrepancies_only: bool = False,
) -> Page[ReconciliationLine]:
    """in − out − lost − destroyed for every weapon and ammunition lot of the mission, with
    the latest evidence (manifest, loss-report and declaration ids and dates); discrepancies
    first. Destroyed: destructions the contributing state declared of its own COE."""
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
