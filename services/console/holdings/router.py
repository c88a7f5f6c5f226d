"""Holdings and reconciliation per mission and contingent, and its CSV export."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.console.clients.base import ApiProblem
from services.console.holdings import service
from services.console.i18n import language, translator
from services.console.manifests import service as manifests
from services.console.pages import render
from services.console.signed_in import SignedInDep, apis_of

router = APIRouter(include_in_schema=False)
Mission = Annotated[str, Query(max_length=32)]
Country = Annotated[str, Query(max_length=3)]
Kind = Annotated[str, Query(max_length=12)]
Only = Annotated[str, Query(max_length=5)]


@router.get("/console/holdings")
async def holdings(
    request: Request,
    signed: SignedInDep,
    mission: Mission = "",
    country: Country = "",
    kind: Kind = "",
    discrepancies_only: Only = "",
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> Response:
    """A mission's reconciliation: discrepancies first, highlighted, with their evidence."""
    filters = service.clean_filters(mission, country, kind, discrepancies_only)
    registry = apis_of(request).registry
    choices = await service.missions(registry, signed.token)
    page: dict[str, object] = {"items": [], "next_cursor": None}
    problems: list[manifests.CellProblem] = []
    if filters["mission"]:
        try:
            page = await service.lines_page(registry, signed.token, filters, cursor)
        except ApiProblem as problem:
            if problem.status != 422:
                raise
            problems = manifests.refusal(problem, translator(language(request))).fields
    next_cursor = page.get("next_cursor")
    context = {
        "filters": filters,
        "missions": choices,
        "lines": page["items"],
        "next_query": manifests.page_query(
            filters, next_cursor if isinstance(next_cursor, str) else None
        ),
        "export_query": urlencode({k: v for k, v in filters.items() if v}),
        "problems": problems,
        "status_names": service.STATUS_NAMES,
        "movement_names": service.MOVEMENT_NAMES,
        "record_names": service.RECORD_NAMES,
    }
    return render(
        request, "holdings/reconciliation.html", context, signed=signed, active="holdings"
    )


@router.get("/console/holdings/export.csv")
async def export(
    request: Request,
    signed: SignedInDep,
    mission: Mission = "",
    country: Country = "",
    kind: Kind = "",
    discrepancies_only: Only = "",
) -> Response:
    """The registry's CSV of the whole reconciliation with the same filters."""
    filters = service.clean_filters(mission, country, kind, discrepancies_only)
    try:
        content = await service.export_csv(apis_of(request).registry, signed.token, filters)
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        # The page shows what is wrong (no mission, an unknown one) naming each field.
        return await holdings(request, signed, mission, country, kind, discrepancies_only)
    name = "".join(c for c in filters["mission"] if c.isalnum() or c in "-_") or "mission"
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="reconciliation-{name}.csv"',
            "Cache-Control": "no-store",
        },
    )
