"""Tracing cases: the list, opening one (from an alert), its detail with records, shares
and trace requests; a trace request's preparation, sending, acknowledgement, answer, PDF."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from services.console.cases import service
from services.console.clients import cases_api
from services.console.clients.base import ApiProblem
from services.console.i18n import language, translator
from services.console.manifests.service import page_query
from services.console.pages import render
from services.console.signed_in import SignedIn, SignedInDep, apis_of

router = APIRouter(include_in_schema=False)

Id = Annotated[str, Path(max_length=64)]
MAX_ANSWER_FILE_BYTES = 20 * 1024 * 1024
REFUSALS = (409, 413, 422)
NAMES = {
    "roles": service.ROLE_NAMES,
    "statuses": service.STATUS_NAMES,
    "item_kinds": service.ITEM_KIND_NAMES,
    "origins": service.ORIGIN_NAMES,
    "request_languages": service.LANGUAGE_CHOICES,
}


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


async def _form(request: Request, signed: SignedIn, names: tuple[str, ...]) -> dict[str, str]:
    async with request.form(max_files=0, max_fields=40) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
        return {name: _text(form.get(name)) for name in names}


def _redirect(request: Request, signed: SignedIn, to: str) -> Response:
    response = RedirectResponse(to, status_code=303)
    if signed.refreshed:
        request.app.state.sealer.store_session(request, response, signed.session)
    return response


def _problems(request: Request, problem: ApiProblem) -> list[service.FormProblem]:
    if problem.status not in REFUSALS:
        raise problem
    return service.problems_of(problem, translator(language(request)))


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


@router.get("/console/cases/new")
async def new_case(
    request: Request, signed: SignedInDep, alert: Annotated[str, Query(max_length=36)] = ""
) -> Response:
    """The form opening a case (from an alert when ``?alert=`` is given)."""
    return _new_case_page(request, signed, {"from_alert": alert.strip()}, [])


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
    values = await _form(request, signed, (*service.CASE_FIELDS, "form_key"))
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
    """Add a declared item or a trace result to the case."""
    names = ("kind", "declaration_id", "item_index", *service.TRACE_RESULT_FIELDS)
    values = await _form(request, signed, names)
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
        "values": values if values is not None else service.request_form(case, item),
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


async def _request_page(
    request: Request,
    signed: SignedIn,
    request_id: str,
    *,
    values: dict[str, str] | None = None,
    problems: list[service.FormProblem] | None = None,
    status: int = 200,
) -> Response:
    registry = apis_of(request).registry
    trace = await cases_api.trace_request(registry, signed.token, request_id)
    case: dict[str, Any] = await cases_api.case(registry, signed.token, trace["case_id"])
    context = {
        "trace": trace,
        "case": case,
        "values": values or {},
        "problems": problems or [],
        **NAMES,
    }
    return render(
        request, "cases/request.html", context, signed=signed, status=status, active="cases"
    )


@router.get("/console/trace-requests/{request_id}")
async def request_detail(request: Request, signed: SignedInDep, request_id: Id) -> Response:
    """A trace request, its history and the step it is at (send, acknowledge, answer)."""
    return await _request_page(request, signed, request_id)


@router.post("/console/trace-requests/{request_id}/send")
async def send(request: Request, signed: SignedInDep, request_id: Id) -> Response:
    """Mark the request sent, due on the deadline given."""
    values = await _form(request, signed, ("deadline",))
    try:
        await service.send(
            registry=apis_of(request).registry,
            token=signed.token,
            request_id=request_id,
            deadline=values["deadline"],
        )
    except ApiProblem as problem:
        found = _problems(request, problem)
        return await _request_page(
            request, signed, request_id, values=values, problems=found, status=problem.status
        )
    return _redirect(request, signed, f"/console/trace-requests/{request_id}")


@router.post("/console/trace-requests/{request_id}/acknowledge")
async def acknowledge(request: Request, signed: SignedInDep, request_id: Id) -> Response:
    """Record that the recipient state confirmed receipt."""
    values = await _form(request, signed, ("note",))
    try:
        await service.acknowledge(
            registry=apis_of(request).registry,
            token=signed.token,
            request_id=request_id,
            note=values["note"],
        )
    except ApiProblem as problem:
        found = _problems(request, problem)
        return await _request_page(
            request, signed, request_id, values=values, problems=found, status=problem.status
        )
    return _redirect(request, signed, f"/console/trace-requests/{request_id}")


@router.post("/console/trace-requests/{request_id}/answer")
async def answer(request: Request, signed: SignedInDep, request_id: Id) -> Response:
    """Record the answer: its text, what it established and an optional file."""
    names = ("text", "result", "origin_kind", "origin_state", "origin_recipient")
    async with request.form(max_files=1, max_fields=20) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
        values = {name: _text(form.get(name)) for name in names}
        upload = form.get("file")
        file = None
        if isinstance(upload, UploadFile) and upload.filename:
            content = await upload.read(MAX_ANSWER_FILE_BYTES + 1)
            if content:
                file = (upload.filename, upload.content_type or "", content)
    try:
        await service.answer(
            registry=apis_of(request).registry,
            token=signed.token,
            request_id=request_id,
            form=values,
            file=file,
        )
    except ApiProblem as problem:
        found = _problems(request, problem)
        return await _request_page(
            request, signed, request_id, values=values, problems=found, status=problem.status
        )
    return _redirect(request, signed, f"/console/trace-requests/{request_id}")


@router.get("/console/trace-requests/{request_id}/pdf")
async def request_pdf(request: Request, signed: SignedInDep, request_id: Id) -> Response:
    """The trace request as a PDF in its language, as the registry renders it."""
    return await _download(request, signed, f"{cases_api.REQUESTS}/{request_id}/pdf", "pdf")


@router.get("/console/trace-requests/{request_id}/answer-file")
async def answer_file(request: Request, signed: SignedInDep, request_id: Id) -> Response:
    """The file attached to the answer, as a download of opaque bytes."""
    path = f"{cases_api.REQUESTS}/{request_id}/answer-file"
    return await _download(request, signed, path, "octet-stream")


async def _download(request: Request, signed: SignedIn, path: str, kind: str) -> Response:
    content, disposition = await cases_api.download(apis_of(request).registry, signed.token, path)
    return Response(
        content,
        media_type=f"application/{kind}",
        headers={
            "Content-Disposition": disposition.replace("inline", "attachment", 1) or "attachment",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
