"""Holdings and reconciliation per mission and contingent, and its CSV export."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from services.console.clients.base import ApiProblem
from services.console.holdings import outgoing, service
from services.console.i18n import language, translator
from services.console.manifests import service as manifests
from services.console.pages import render
from services.console.signed_in import SignedIn, SignedInDep, apis_of

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


@router.get("/console/holdings/out")
async def out_form(
    request: Request,
    signed: SignedInDep,
    mission: Mission = "",
    unit: Annotated[str, Query(max_length=255)] = "",
) -> Response:
    """Pick a mission and a unit, then tick the weapons that leave."""
    values = {"mission": mission.strip(), "unit": unit.strip()}
    return await _out_page(request, signed, values, set(), [])


async def _out_page(
    request: Request,
    signed: SignedIn,
    values: dict[str, str],
    picked: set[str],
    problems: list[manifests.CellProblem],
    *,
    status: int = 200,
) -> Response:
    registry = apis_of(request).registry
    choices = await service.missions(registry, signed.token)
    held: list[dict[str, object]] = []
    if values.get("mission") and values.get("unit"):
        try:
            held = await outgoing.weapons_held(
                registry, signed.token, mission=values["mission"], unit=values["unit"]
            )
        except ApiProblem as problem:
            if problem.status != 422:
                raise
            problems = problems + manifests.refusal(problem, translator(language(request))).fields
    context = {
        "values": values,
        "missions": choices,
        "held": held,
        "picked": picked,
        "key_of": outgoing.key_of,
        "problems": problems,
        "send_key": manifests.new_upload_key(),
    }
    return render(
        request, "holdings/out.html", context, signed=signed, status=status, active="holdings"
    )


@router.post("/console/holdings/out")
async def out_send(request: Request, signed: SignedInDep) -> Response:
    """Store the ``out`` manifest of the ticked weapons, or save it as a draft."""
    async with request.form(max_files=0, max_fields=outgoing.MAX_HELD + 20) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
        values = {name: _text(form.get(name)).strip()[:255] for name in outgoing.OUT_FIELDS}
        values["closes_rotation"] = _text(form.get("closes_rotation"))
        picked = {_text(v) for v in form.getlist("weapon")}
        as_draft = _text(form.get("save")) == "draft"
        key = _text(form.get("send_key"))[:100] or manifests.new_upload_key()
    _ = translator(language(request))
    registry = apis_of(request).registry
    held = await outgoing.weapons_held(
        registry, signed.token, mission=values["mission"], unit=values["unit"]
    )
    chosen = [w for w in held if outgoing.key_of(w) in picked]
    if not chosen and not as_draft:
        none = [
            manifests.CellProblem("", _("Weapons"), "weapons", _("Tick the weapons that leave."))
        ]
        return await _out_page(request, signed, values, picked, none, status=422)
    body = outgoing.manifest_body(values, signed.session.country or "", chosen)
    try:
        kind, record_id = await outgoing.send(
            registry, signed.token, body=body, as_draft=as_draft, key=key
        )
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        refused = manifests.refusal(problem, _)
        return await _out_page(
            request, signed, values, picked, refused.fields + refused.cells, status=problem.status
        )
    url = (
        f"/console/drafts/manifest/{record_id}?done=saved"
        if kind == "draft"
        else f"/console/manifests/{record_id}?stored=1"
    )
    response = RedirectResponse(url, status_code=303)
    if signed.refreshed:
        request.app.state.sealer.store_session(request, response, signed.session)
    return response


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
