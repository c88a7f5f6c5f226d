"""Trace requests in the console: the list of the organisation's (by status, overdue),
one request with its history and the step it is at (send, acknowledge, answer), its PDF
and its answer file."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from services.console.cases import service
from services.console.cases.forms import NAMES, Id, text_of
from services.console.cases.forms import problems as _problems
from services.console.cases.forms import read_form as _form
from services.console.cases.forms import redirect as _redirect
from services.console.clients import cases_api
from services.console.clients.base import ApiProblem
from services.console.manifests.service import page_query
from services.console.pages import render
from services.console.signed_in import SignedIn, SignedInDep, apis_of

router = APIRouter(include_in_schema=False)

MAX_ANSWER_FILE_BYTES = 20 * 1024 * 1024


@router.get("/console/trace-requests")
async def request_list(
    request: Request,
    signed: SignedInDep,
    status: Annotated[str, Query(max_length=16)] = "",
    overdue: Annotated[str, Query(max_length=5)] = "",
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> Response:
    """The trace requests of the organisation's cases (and those shared with it), by
    status and overdue or not; overdue ones marked in words."""
    filters = {
        "status": status if status in service.STATUS_NAMES else "",
        "overdue": overdue if overdue in service.OVERDUE_NAMES else "",
    }
    page = await service.request_page(
        registry=apis_of(request).registry, token=signed.token, cursor=cursor, **filters
    )
    next_cursor = page.get("next_cursor")
    context = {
        "requests": page["items"],
        "filters": filters,
        "next_query": page_query(
            {k: v for k, v in filters.items() if v},
            next_cursor if isinstance(next_cursor, str) else None,
        ),
        **NAMES,
    }
    return render(request, "cases/requests.html", context, signed=signed, active="cases")


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
        signed.check_csrf(text_of(form.get("csrf_token")))
        values = {name: text_of(form.get(name)) for name in names}
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
