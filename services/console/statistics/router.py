"""Statistics: counts by a grouping over a date range as a table and bars, DDR people
figures, traced weapons; the table as CSV or XLSX."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from services.console.cases.service import FormProblem, problems_of
from services.console.clients.base import ApiProblem
from services.console.i18n import language, translator
from services.console.pages import render
from services.console.signed_in import SignedInDep, apis_of
from services.console.statistics import service, tables, timeseries
from services.console.statistics.map import MARKS, drawing, picker_svg
from services.console.statistics.map_filters import KINDS, map_filters_of, map_problems

router = APIRouter(include_in_schema=False)

GroupBy = Annotated[str, Query(max_length=32)]
Day = Annotated[str, Query(max_length=10)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/console/statistics")
async def statistics(
    request: Request,
    signed: SignedInDep,
    group_by: GroupBy = "country",
    date_from: Day = "",
    date_to: Day = "",
) -> Response:
    """The counts by the chosen grouping, with bars, DDR figures and traced weapons."""
    _ = translator(language(request))
    filters = service.filters_of(group_by, date_from, date_to)
    found: dict[str, object] = {}
    problems = []
    status = 200
    try:
        found = await service.figures(
            registry=apis_of(request).registry, token=signed.token, filters=filters
        )
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        problems = problems_of(problem, _, service.API_FIELDS)
        status = 422
    context = {
        "filters": filters,
        "groupings": service.GROUPINGS,
        "rows": service.rows(found, _),
        "ddr": found.get("ddr_people") or [],
        "ddr_columns": service.DDR_COLUMNS,
        "traced_weapons": found.get("traced_weapons"),
        "outcomes": tables.outcomes(found, _),
        "chart": timeseries.chart(found, _) if filters.group_by == "year" else None,
        "bar_width": service.BAR_WIDTH,
        "export_query": urlencode(filters.query()),
        "problems": problems,
    }
    return render(
        request, "statistics/page.html", context, signed=signed, status=status, active="statistics"
    )


@router.get("/console/statistics/map")
async def recovery_map(
    request: Request,
    signed: SignedInDep,
    date_from: Day = "",
    date_to: Day = "",
    year: Annotated[str, Query(max_length=8)] = "",
    type: Annotated[str, Query(max_length=16)] = "",
    mission: Annotated[str, Query(max_length=64)] = "",
    presumed_user: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """Recoveries (one point per incident) and losses on a map drawn on the server (and
    listed beside it), of a kind, a mission and a presumed user if asked; with ``year``,
    that year's only (the time slider's view without the script)."""
    _ = translator(language(request))
    filters = map_filters_of(date_from, date_to, type, mission, presumed_user)
    found: dict[str, object] = {}
    problems = []
    status = 200
    chosen = int(year) if year.strip().isdigit() else None
    if year.strip() and chosen is None:
        problems.append(FormProblem(_("Year"), "map-year", _("Choose a year on the slider.")))
        status = 422
    try:
        found = await service.places(
            registry=apis_of(request).registry, token=signed.token, filters=filters, year=chosen
        )
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        problems += map_problems(problem, _)
        status = 422
    whole = drawing(found)
    context = {
        "filters": filters,
        "kinds": KINDS,
        "presumed_user_kinds": service.PRESUMED_USER_KINDS,
        "marks": MARKS,
        "map": whole.of_year(chosen),
        "years": service.map_years(found, whole.years),
        "year": chosen,
        "every_year_query": urlencode(filters.query()),
        "truncated": bool(found.get("truncated")),
        "problems": problems,
    }
    return render(
        request, "statistics/map.html", context, signed=signed, status=status, active="statistics"
    )


@router.get("/console/statistics/map/picker.svg")
async def place_picker_map(request: Request, signed: SignedInDep) -> Response:
    """The region's borders as SVG for the forms' "pick the place on a map" (fetched by
    the script when asked; typing the coordinates needs none of it)."""
    _ = translator(language(request))
    body = picker_svg(_("Map: select a place to fill in its latitude and longitude"))
    # Per person and language, the same for a day: a second picker costs nothing.
    headers = {
        "Cache-Control": "private, max-age=86400",
        "Vary": "Cookie, Accept-Language",
        # Opened on its own it is an image: nothing in it may run or load.
        "Content-Security-Policy": "default-src 'none'; style-src 'self'",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(body, media_type="image/svg+xml", headers=headers)


@router.get("/console/statistics.{extension}")
async def export(
    request: Request,
    signed: SignedInDep,
    extension: str,
    group_by: GroupBy = "country",
    date_from: Day = "",
    date_to: Day = "",
    table: Annotated[str, Query(max_length=16)] = "counts",
) -> Response:
    """The tables shown on the page: one (``table``: counts, ddr or outcomes) as CSV,
    every one as the sheets of an XLSX workbook."""
    if extension not in ("csv", "xlsx") or table not in tables.TABLE_NAMES:
        return Response("not found", status_code=404, media_type="text/plain")
    _ = translator(language(request))
    filters = service.filters_of(group_by, date_from, date_to)
    try:
        found = await service.figures(
            registry=apis_of(request).registry, token=signed.token, filters=filters
        )
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        # The page names every problem of the filters.
        return RedirectResponse(f"/console/statistics?{urlencode(filters.query())}", 303)
    shown = tables.tables(found, service.rows(found, _), filters, _)
    if extension == "xlsx":
        content, media_type = tables.as_xlsx(shown), XLSX
    else:
        chosen = next((t for t in shown if t.name == table), None)
        if chosen is None:  # not on the page for this grouping and range
            return Response("not found", status_code=404, media_type="text/plain")
        content, media_type = tables.as_csv(chosen), "text/csv; charset=utf-8"
    name = service.export_name(filters, extension, table if extension == "csv" else "counts")
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
