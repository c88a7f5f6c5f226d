"""Loss reports: the list, a report with its items, and the report form."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from services.console.clients.base import ApiProblem
from services.console.clients.loss_reports_api import LossReportsApi
from services.console.i18n import language, translator
from services.console.losses import service
from services.console.losses.service import LossForm
from services.console.pages import render
from services.console.signed_in import SignedIn, SignedInDep, apis_of

router = APIRouter(include_in_schema=False)


def _api(request: Request) -> LossReportsApi:
    return LossReportsApi.over(apis_of(request).registry)


@router.get("/console/losses")
async def loss_list(
    request: Request,
    signed: SignedInDep,
    mission: Annotated[str, Query(max_length=32)] = "",
    country: Annotated[str, Query(max_length=3)] = "",
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> Response:
    """Loss reports the person may read, a page at a time."""
    filters = {"mission": mission.strip(), "country": country.strip().upper()}
    problems: list[service.FormProblem] = []
    page: dict[str, object] = {"items": [], "next_cursor": None}
    try:
        page = await _api(request).reports(
            signed.token, limit=service.PAGE_SIZE, cursor=cursor, **filters
        )
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        problems = [
            service.FormProblem(e.loc.removeprefix("query."), e.msg, column=e.loc)
            for e in problem.errors
        ]
    next_cursor = page.get("next_cursor")
    next_query = (
        urlencode({**{k: v for k, v in filters.items() if v}, "cursor": next_cursor})
        if isinstance(next_cursor, str)
        else None
    )
    context = {
        "filters": filters,
        "reports": page["items"],
        "next_query": next_query,
        "problems": problems,
    }
    return render(request, "losses/list.html", context, signed=signed, active="losses")


@router.get("/console/losses/new")
async def loss_form(request: Request, signed: SignedInDep) -> Response:
    """The loss report form (item rows by serial, or by calibre and lot)."""
    return _form_page(request, signed, LossForm.blank(signed.session.country), [], _key())


@router.post("/console/losses/new")
async def report_loss(request: Request, signed: SignedInDep) -> Response:
    """Store the report, or show the form again with every problem on its field."""
    async with request.form(max_files=0, max_fields=2000) as submitted:
        token = submitted.get("csrf_token")
        signed.check_csrf(token if isinstance(token, str) else None)
        form = LossForm.read(submitted)
        typed_key = submitted.get("request_key")
        key = typed_key if isinstance(typed_key, str) and typed_key else _key()
        more = bool(submitted.get("more_rows"))
    if more:
        return _form_page(request, signed, form.with_more_rows(), [], key)
    _ = translator(language(request))
    try:
        stored = await _api(request).create(signed.token, form.report(), key)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        problems = service.problems_on_form(problem, form, _)
        return _form_page(request, signed, form, problems, _key(), status=problem.status)
    response = RedirectResponse(f"/console/losses/{stored['id']}?stored=1", status_code=303)
    if signed.refreshed:
        request.app.state.sealer.store_session(request, response, signed.session)
    return response


@router.get("/console/losses/{report_id}")
async def loss_detail(
    request: Request,
    signed: SignedInDep,
    report_id: Annotated[str, Path(max_length=64)],
    stored: str = "",
) -> Response:
    """A loss report and its items (404 outside the person's tenancy)."""
    report = await _api(request).report(signed.token, report_id)
    context = {"report": report, "stored": stored == "1"}
    return render(request, "losses/detail.html", context, signed=signed, active="losses")


def _key() -> str:
    return "console-" + secrets.token_urlsafe(24)


def _form_page(
    request: Request,
    signed: SignedIn,
    form: LossForm,
    problems: list[service.FormProblem],
    key: str,
    *,
    status: int = 200,
) -> Response:
    context = {
        "values": form.values,
        "rows": form.rows,
        "problems": problems,
        "request_key": key,
        "loss_types": service.LOSS_TYPES,
        "circumstance_values": service.CIRCUMSTANCES,
    }
    return render(
        request, "losses/new.html", context, signed=signed, status=status, active="report-loss"
    )
