"""Manifests: the filtered list, a manifest's detail with its items, the upload."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from services.console.clients.base import ApiProblem
from services.console.i18n import language, translator
from services.console.manifests import service
from services.console.manifests.template import XLSX_MEDIA_TYPE, workbook_of_csv
from services.console.pages import render
from services.console.signed_in import SignedIn, SignedInDep, apis_of

router = APIRouter(include_in_schema=False)

MAX_UPLOAD_BYTES = 128 * 1024 * 1024


@router.get("/console/manifests")
async def manifest_list(
    request: Request,
    signed: SignedInDep,
    mission: Annotated[str, Query(max_length=32)] = "",
    direction: Annotated[str, Query(max_length=3)] = "",
    unit: Annotated[str, Query(max_length=255)] = "",
    crossed_from: Annotated[str, Query(max_length=10)] = "",
    crossed_to: Annotated[str, Query(max_length=10)] = "",
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> Response:
    """Manifests the person may read, filtered, a page at a time."""
    filters = {
        "mission": mission.strip(),
        "direction": direction if direction in ("in", "out") else "",
        "unit": unit.strip(),
        "crossed_from": crossed_from,
        "crossed_to": crossed_to,
    }
    problems: list[service.CellProblem] = []
    page: dict[str, object] = {"items": [], "next_cursor": None}
    try:
        page = await service.manifest_page(
            registry=apis_of(request).registry, token=signed.token, filters=filters, cursor=cursor
        )
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        problems = service.refusal(problem, translator(language(request))).fields
    next_cursor = page.get("next_cursor")
    context = {
        "filters": filters,
        "manifests": page["items"],
        "next_query": service.page_query(
            filters, next_cursor if isinstance(next_cursor, str) else None
        ),
        "problems": problems,
    }
    return render(request, "manifests/list.html", context, signed=signed, active="manifests")


@router.get("/console/manifests/upload")
async def upload_form(request: Request, signed: SignedInDep) -> Response:
    """The upload form (works without JavaScript; with it, a progress bar)."""
    values = {"contributing_country": signed.session.country or ""}
    return _upload_page(request, signed, values, None)


@router.get("/console/manifests/template.csv")
async def template(request: Request, signed: SignedInDep) -> Response:
    """The registry's example CSV with every column."""
    content = await apis_of(request).registry.manifest_template(signed.token)
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="manifest-template.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/console/manifests/template.xlsx")
async def template_workbook(request: Request, signed: SignedInDep) -> Response:
    """The same template as a workbook (XLSX), for people who fill it in a spreadsheet."""
    content = await apis_of(request).registry.manifest_template(signed.token)
    return Response(
        workbook_of_csv(content, "manifest"),
        media_type=XLSX_MEDIA_TYPE,
        headers={
            "Content-Disposition": 'attachment; filename="manifest-template.xlsx"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/console/manifests/upload")
async def upload(request: Request, signed: SignedInDep) -> Response:
    """Store the uploaded manifest, or show every problem by row and column."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES + 1024 * 1024:
        _ = translator(language(request))
        too_large = service.Refusal(
            detail=_("The file is too large."),
            fields=[service.CellProblem("", _("File"), "file", _("The file is too large."))],
        )
        return _upload_page(request, signed, {}, too_large, status=413)
    async with request.form(max_files=1, max_fields=20) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
        values = {name: _text(form.get(name)).strip() for name in service.UPLOAD_FIELDS}
        values["closes_rotation"] = _text(form.get("closes_rotation"))
        upload_key = _text(form.get("upload_key")) or service.new_upload_key()
        file = form.get("file")
        filename = file.filename if isinstance(file, UploadFile) and file.filename else ""
        content = await file.read(MAX_UPLOAD_BYTES + 1) if isinstance(file, UploadFile) else b""
    _ = translator(language(request))
    if not filename or not content:
        missing = service.Refusal(
            detail=_("Choose a CSV or XLSX file."),
            fields=[service.CellProblem("", _("File"), "file", _("Choose a CSV or XLSX file."))],
        )
        return _upload_page(request, signed, values, missing, status=422, upload_key=upload_key)
    try:
        stored = await service.upload(
            registry=apis_of(request).registry,
            token=signed.token,
            fields=values,
            filename=filename,
            content=content,
            upload_key=upload_key,
        )
    except ApiProblem as problem:
        if problem.status not in (409, 413, 415, 422):
            raise
        refused = service.refusal(problem, _)
        # A corrected file is a new request: a new key, or the registry would see reuse.
        return _upload_page(request, signed, values, refused, status=problem.status)
    response = RedirectResponse(f"/console/manifests/{stored['id']}?stored=1", status_code=303)
    if signed.refreshed:
        request.app.state.sealer.store_session(request, response, signed.session)
    return response


@router.get("/console/manifests/{manifest_id}")
async def manifest_detail(
    request: Request,
    signed: SignedInDep,
    manifest_id: Annotated[str, Path(max_length=64)],
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    q: Annotated[str, Query(max_length=100)] = "",
    stored: str = "",
) -> Response:
    """A manifest and its items, a page at a time (404 outside the person's tenancy)."""
    manifest, items = await service.manifest_with_items(
        registry=apis_of(request).registry,
        token=signed.token,
        manifest_id=manifest_id,
        cursor=cursor,
        search=q.strip(),
    )
    next_cursor = items.get("next_cursor")
    context = {
        "manifest": manifest,
        "items": items["items"],
        "next_query": service.page_query(
            {"q": q.strip()}, next_cursor if isinstance(next_cursor, str) else None
        ),
        "search": q.strip(),
        "stored": stored == "1",
        "kind_names": service.KIND_NAMES,
    }
    return render(request, "manifests/detail.html", context, signed=signed, active="manifests")


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _upload_page(
    request: Request,
    signed: SignedIn,
    values: dict[str, str],
    refused: service.Refusal | None,
    *,
    status: int = 200,
    upload_key: str | None = None,
) -> Response:
    context = {
        "values": values,
        "refused": refused,
        "problems": (refused.fields + refused.cells) if refused else [],
        "upload_key": upload_key or service.new_upload_key(),
    }
    return render(
        request, "manifests/upload.html", context, signed=signed, status=status, active="upload"
    )
