"""Tracing cases: the list, opening one (from an alert, a declared item or a trace
result), its detail with records, shares and trace requests; the list of trace requests;
a trace request's preparation, sending, acknowledgement, answer, PDF."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.console.cases import service
from services.console.cases.forms import NAMES, Id
from services.console.cases.forms import problems as _problems
from services.console.cases.forms import read_form as _form
from services.console.cases.forms import redirect as _redirect
from services.console.cases.requests_router import router as requests_router
from services.console.clients import cases_api
from services.console.clients.base import ApiProblem
from services.console.i18n import language, translator
from services.console.manifests.service import page_query
from services.console.pages import render
from services.console.signed_in import SignedIn, SignedInDep, apis_of

router = APIRouter(include_in_schema=False)


@router.get("/console/cases")
async def case_list(
    request: Request,
    signed: SignedInDep,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> Response:
    """The cases the person's organisation owns or was shared, a page at a time."""
    page = await service.case_page(
        registry=apis_of(request).registry, token=signed.token, cursor=cursor
    )
    next_cursor = page.get("next_cursor")
    context = {
        "cases": page["items"],
        "next_query": page_query({}, next_cursor if isinstance(next_cursor, str) else None),
    }
    return render(request, "cases/list.html", context, signed=signed, active="cases")


Given = Annotated[str, Query(max_length=255)]


@router.get("/console/cases/new")
async def new_case(
    request: Request,
    signed: SignedInDep,
    alert: Annotated[str, Query(max_length=36)] = "",
    declaration: Annotated[str, Query(max_length=64)] = "",
    item: Annotated[str, Query(max_length=20)] = "",
    serial_number: Given = "",
    manufacturer: Given = "",
    model: Given = "",
    calibre: Given = "",
    category: Annotated[str, Query(max_length=32)] = "",
    country: Annotated[str, Query(max_length=3)] = "",
    record_date: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    """The form opening a case: from an alert (``?alert=``), a declared item
    (``?declaration=&item=``) or a weapon as a trace showed it (``?serial_number=`` with
    its maker, model and the state whose record showed it)."""
    values = {"from_alert": alert.strip()}
    if declaration.strip():
        values.update(from_kind="declared_item", declaration_id=declaration.strip())
        values["item_index"] = item.strip()
    elif serial_number.strip():
        found = {
            "serial_number": serial_number,
            "manufacturer": manufacturer,
            "model": model,
            "calibre": calibre,
            "category": category,
            "country": country.upper(),
            "record_date": record_date,
        }
        values.update(from_kind="trace_result", **{k: v.strip() for k, v in found.items()})
    return _new_case_page(request, signed, values, [])


def _new_case_page(
    request: Request,
    signed: SignedIn,
    values: dict[str, str],
    problems: list[service.FormProblem],
    *,
    status: int = 200,
    form_key: str = "",
) -> Response:
    context = {
        "values": values,
        "problems": problems,
        "form_key": form_key or service.new_form_key(),
    }
    return render(request, "cases/new.html", context, signed=signed, status=status, active="cases")


@router.post("/console/cases")
async def open_case(request: Request, signed: SignedInDep) -> Response:
    """Open the case, or show the form again with every problem."""
    names = (*service.CASE_FIELDS, *service.FROM_ITEM_FIELDS, "form_key")
    values = await _form(request, signed, names)
    try:
        opened = await service.open_case(
            registry=apis_of(request).registry,
            token=signed.token,
            form=values,
            form_key=values["form_key"] or service.new_form_key(),
        )
    except ApiProblem as problem:
        found = _problems(request, problem)
        return _new_case_page(request, signed, values, found, status=problem.status)
    return _redirect(request, signed, f"/console/cases/{opened['id']}")


async def _case_page(
    request: Request,
    signed: SignedIn,
    case_id: str,
    *,
    values: dict[str, str] | None = None,
    problems: list[service.FormProblem] | None = None,
    status: int = 200,
) -> Response:
    case = await cases_api.case(apis_of(request).registry, signed.token, case_id)
    context = {
        "case": case,
        "values": values or {},
        "problems": problems or [],
        "mine": case["owner"] == signed.session.organisation,
        "is_secretariat": signed.session.org_type == "secretariat",
        **NAMES,
    }
    return render(
        request, "cases/detail.html", context, signed=signed, status=status, active="cases"
    )


@router.get("/console/cases/{case_id}")
async def case_detail(request: Request, signed: SignedInDep, case_id: Id) -> Response:
    """A case with its records, shares and trace requests (overdue ones marked)."""
    return await _case_page(request, signed, case_id)


@router.post("/console/cases/{case_id}/items")
async def add_item(request: Request, signed: SignedInDep, case_id: Id) -> Response:
    """Add a declared item, a manifest item, an alert or a trace result to the case."""
    values = await _form(request, signed, service.ADD_ITEM_FIELDS)
    try:
        await service.add_item(
            registry=apis_of(request).registry, token=signed.token, case_id=case_id, form=values
        )
    except ApiProblem as problem:
        found = _problems(request, problem)
        return await _case_page(
            request, signed, case_id, values=values, problems=found, status=problem.status
        )
    return _redirect(request, signed, f"/console/cases/{case_id}#items")


@router.post("/console/cases/items")
async def add_to_chosen_case(request: Request, signed: SignedInDep) -> Response:
    """Add a weapon as a trace showed it to the case the person chose (the trace page's
    "Add to a case"); without a case chosen, the form opening one with it."""
    values = await _form(request, signed, ("case_id", *service.TRACE_RESULT_FIELDS))
    case_id = values.pop("case_id")
    if not case_id:
        _ = translator(language(request))
        problem = service.FormProblem(_("Case"), "case_id", _("Choose a case."))
        opened = {"from_kind": "trace_result", **values}
        return _new_case_page(request, signed, opened, [problem], status=422)
    try:
        await service.add_item(
            registry=apis_of(request).registry,
            token=signed.token,
            case_id=case_id,
            form={"kind": "trace_result", **values},
        )
    except ApiProblem as problem:
        found = _problems(request, problem)
        values["kind"] = "trace_result"
        return await _case_page(
            request, signed, case_id, values=values, problems=found, status=problem.status
        )
    return _redirect(request, signed, f"/console/cases/{case_id}#items")


@router.post("/console/cases/{case_id}/shares")
async def share(request: Request, signed: SignedInDep, case_id: Id) -> Response:
    """Share the case with a state."""
    values = await _form(request, signed, ("organisation",))
    try:
        await service.share(
            registry=apis_of(request).registry,
            token=signed.token,
            case_id=case_id,
            organisation=values["organisation"].upper(),
        )
    except ApiProblem as problem:
        found = _problems(request, problem)
        return await _case_page(
            request, signed, case_id, values=values, problems=found, status=problem.status
        )
    return _redirect(request, signed, f"/console/cases/{case_id}#shares")


async def _request_form_page(
    request: Request,
    signed: SignedIn,
    case_id: str,
    values: dict[str, str] | None,
    item: str,
    problems: list[service.FormProblem],
    *,
    status: int = 200,
    form_key: str = "",
) -> Response:
    case = await cases_api.case(apis_of(request).registry, signed.token, case_id)
    context = {
        "case": case,
        "values": (
            values if values is not None else service.request_form(case, item, language(request))
        ),
        "problems": problems,
        "form_key": form_key or service.new_form_key(),
        **NAMES,
    }
    return render(
        request, "cases/request_new.html", context, signed=signed, status=status, active="cases"
    )


@router.get("/console/cases/{case_id}/trace-requests/new")
async def new_request(
    request: Request,
    signed: SignedInDep,
    case_id: Id,
    item: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The trace request form, its ITI fields prefilled from the chosen weapon."""
    return await _request_form_page(request, signed, case_id, None, item, [])


@router.post("/console/cases/{case_id}/trace-requests")
async def prepare_request(request: Request, signed: SignedInDep, case_id: Id) -> Response:
    """Prepare the trace request (a draft), or show the form again with every problem."""
    values = await _form(request, signed, (*service.REQUEST_FIELDS, "form_key"))
    try:
        draft = await service.prepare_request(
            registry=apis_of(request).registry,
            token=signed.token,
            case_id=case_id,
            form=values,
            form_key=values["form_key"] or service.new_form_key(),
        )
    except ApiProblem as problem:
        found = _problems(request, problem)
        return await _request_form_page(
            request, signed, case_id, values, "", found, status=problem.status
        )
    return _redirect(request, signed, f"/console/trace-requests/{draft['id']}")


# The trace requests' pages, under /console/trace-requests.
router.include_router(requests_router)
