"""Holdings per mission and contingent."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from services.common.errors import problem_responses
from services.common.pagination import Page, PageParamsDep
from services.common.replica import ReadSessionDep
from services.common.security import ReadScopeDep
from services.registry.holdings import service
from services.registry.holdings.schemas import Holding

router = APIRouter(prefix="/holdings", tags=["holdings"])


@router.get("", response_model=Page[Holding], responses=problem_responses(403, 422))
def list_holdings(
    session: ReadSessionDep,
    scope: ReadScopeDep,
    page: PageParamsDep,
    mission: Annotated[str, Query(max_length=32, description="Mission code, e.g. MINUSCA")],
    country: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    kind: Literal["weapon", "ammunition"] | None = None,
    unit: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=255,
            description="Only what this unit brought in last, e.g. SENBATT 8",
        ),
    ] = None,
) -> Page[Holding]:
    """What each contingent holds in the mission area now: every weapon declared in and not
    taken out, lost or destroyed, and the ammunition balance per calibre and lot. A line's
    ``unit`` is the unit of its latest in-movement; ``unit=`` filters on it."""
    items, cursor = service.list_holdings(
        session=session,
        scope=scope,
        mission=mission,
        country=country,
        unit=unit,
        kind=kind,
        params=page,
    )
    return Page(items=items, next_cursor=cursor)
