"""Declarations: the filtered list, a record with its versions and holds, the declare
form, amendments and legal holds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile

from services.console.cases.service import may_work_on_cases
from services.console.clients.base import ApiProblem, FieldProblem
from services.console.declarations import service, upload, views
from services.console.declarations.form import (
    TYPES,
    DeclareForm,
    FormProblem,
    incident_problems,
    problems_on_form,
)
from services.console.i18n import language, translator
from services.console.pages import render
from services.console.signed_in import SignedIn, SignedInDep, apis_of

router = APIRouter(include_in_schema=False)

Id = Annotated[str, Path(max_length=64)]


@router.get("/console/declarations")
async def declaration_list(
    request: Request,
    signed: SignedInDep,
    type: Annotated[str, Query(max_length=16)] = "",
    mission: Annotated[str, Query(max_length=32)] = "",
    declaring_country: Annotated[str, Query(max_length=3)] = "",
    event_from: Annotated[str, Query(max_length=10)] = "",
    event_to: Annotated[str, Query(max_length=10)] = "",
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> Response:
    """Declarations the person may read, filtered, a page at a time."""
    filters = {
        "type": type if type in TYPES else "",
        "mission": mission.strip(),
        "declaring_country": declaring_country.strip().upper(),
        "event_from": event_from,
        "event_to": event_to,
    }
    problems: list[FormProblem] = []
    page: dict[str, object] = {"items": [], "next_cursor": None}
    try:
        page = await service.declaration_page(
            declarations=apis_of(request).declarations,
            token=signed.token,
            filters=filters,
            cursor=cursor,
        )
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        _ = translator(language(request))
        labels = {"event_from": _("From"), "event_to": _("To"), "mission": _("Mission")}
        for error in problem.errors or [FieldProblem("", problem.detail)]:
            name = error.loc.removeprefix("query.")
            label = labels.get(name, name)
            problems.append(FormProblem(name, label, error.msg, column=label))
    next_cursor = page.get("next_cursor")
    context = {
        "filters": filters,
        "declarations": page["items"],
        "next_query": service.page_query(
            filters, next_cursor if isinstance(next_cursor, str) else None
        ),
        "problems": problems,
    }
    return render(request, "declarations/list.html", context, signed=signed, active="declarations")


@router.get("/console/declarations/new")
async def declare_form(request: Request, signed: SignedInDep) -> Response:
    """The declare form (a fixed number of item rows; more by resubmitting)."""
    form = DeclareForm.blank(signed.session.country)
    return await views.declare_page(request, signed, form, [], key=service.new_request_key())


@router.post("/console/declarations/new")
async def declare(request: Request, signed: SignedInDep) -> Response:
    """Store the declaration, or show the form again with every problem on its field."""
    async with request.form(max_files=0, max_fields=4000) as submitted:
        signed.check_csrf(views.text(submitted.get("csrf_token")))
        form = DeclareForm.read(submitted)
        key = views.text(submitted.get("request_key")) or service.new_request_key()
        more = bool(submitted.get("more_rows"))
        as_draft = bool(submitted.get("save_draft"))
        draft_id = views.text(submitted.get("draft_id"))[:36]
        draft_version = views.text(submitted.get("draft_version"))[:20]
    draft = views.DraftRef(draft_id, draft_version) if draft_id else None
    if more:
        return await views.declare_page(
            request, signed, form.with_more_rows(), [], key=key, draft=draft
        )
    _ = translator(language(request))
    if as_draft:
        return await views.save_draft(request, signed, form, key, draft)
    incident = form.new_incident()
    if incident is not None:
        try:
            created = await apis_of(request).declarations.create_incident(
                signed.token, incident, key + "-incident"
            )
        except ApiProblem as problem:
            if problem.status != 422:
                raise
            problems = incident_problems(problem, _)
            return await views.declare_page(
                request, signed, form, problems, key=service.new_request_key(), status=422
            )
        form = form.with_incident(str(created["id"]))
    try:
        stored = await apis_of(request).declarations.declare(
            signed.token, form.document(signed.session.country or ""), key
        )
    except ApiProblem as problem:
        if problem.status not in (409, 413, 422):
            raise
        # A corrected form is a new request: a new key, or the API would see reuse.
        return await views.declare_page(
            request,
            signed,
            form,
            problems_on_form(problem, form, _),
            key=service.new_request_key(),
            status=problem.status,
        )
    return views.redirect(request, signed, f"/console/declarations/{stored['id']}?stored=1")


@router.get("/console/drafts/declaration/{draft_id}/edit")
async def draft_form(
    request: Request, signed: SignedInDep, draft_id: Annotated[str, Path(max_length=36)]
) -> Response:
    """The declare form filled from a declaration draft of my organisation, to change it
    and save it again (a 404 page for anyone else's)."""
    found = await apis_of(request).declarations.declaration_draft(signed.token, draft_id)
    body = found.get("body")
    form = DeclareForm.from_document(body if isinstance(body, dict) else {})
    draft = views.DraftRef(str(found["id"]), str(found["version"]))
    return await views.declare_page(
        request, signed, form, [], key=service.new_request_key(), draft=draft
    )


@router.get("/console/declarations/upload")
async def upload_form(request: Request, signed: SignedInDep) -> Response:
    """The upload form: one file, every problem by row and column, all or none."""
    return views.upload_page(request, signed, [], [])


@router.get("/console/declarations/template.csv")
async def upload_template(
    request: Request, signed: SignedInDep, lang: Annotated[str, Query(max_length=2)] = "en"
) -> Response:
    """The API's import template with headers in English or French."""
    return await _template(request, signed, lang, "csv", "text/csv; charset=utf-8")


@router.get("/console/declarations/template.xlsx")
async def upload_template_workbook(
    request: Request, signed: SignedInDep, lang: Annotated[str, Query(max_length=2)] = "en"
) -> Response:
    """The API's import template as a workbook (XLSX), headers in English or French."""
    return await _template(request, signed, lang, "xlsx", upload.XLSX_MEDIA_TYPE)


async def _template(
    request: Request, signed: SignedIn, lang: str, file_format: str, media_type: str
) -> Response:
    headers_lang = "fr" if lang == "fr" else "en"
    content = await apis_of(request).declarations.import_template(
        signed.token, headers_lang, file_format
    )
    name = f"declarations-{headers_lang}.{file_format}"
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/console/declarations/upload")
async def upload_file(request: Request, signed: SignedInDep) -> Response:
    """Store every declaration of the file, or show every problem by row and column."""
    _ = translator(language(request))
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > upload.MAX_UPLOAD_BYTES + 1024 * 1024:
        too_large = upload.CellProblem("", _("File"), "file", _("The file is too large."))
        return views.upload_page(request, signed, [too_large], [], status=413)
    async with request.form(max_files=1, max_fields=10) as submitted:
        signed.check_csrf(views.text(submitted.get("csrf_token")))
        key = views.text(submitted.get("request_key")) or service.new_request_key()
        file = submitted.get("file")
        filename = file.filename if isinstance(file, UploadFile) and file.filename else ""
        content = (
            await file.read(upload.MAX_UPLOAD_BYTES + 1) if isinstance(file, UploadFile) else b""
        )
    if not filename or not content:
        missing = upload.CellProblem("", _("File"), "file", _("Choose a CSV or XLSX file."))
        return views.upload_page(request, signed, [missing], [], status=422)
    try:
        stored = await apis_of(request).declarations.import_file(
            signed.token, filename=filename, content=content, idempotency_key=key
        )
    except ApiProblem as problem:
        if problem.status not in (409, 413, 415, 422):
            raise
        return views.upload_page(
            request, signed, upload.cell_problems(problem), [], status=problem.status
        )
    return views.upload_page(request, signed, [], stored["items"])


@router.get("/console/declarations/{declaration_id}")
async def declaration_detail(
    request: Request, signed: SignedInDep, declaration_id: Id, stored: str = ""
) -> Response:
    """A declaration, its items, versions with their changes, and its holds."""
    apis = apis_of(request)
    declaration, _etag, history = await service.declaration_detail(
        declarations=apis.declarations, token=signed.token, declaration_id=declaration_id
    )
    holds: list[object] | None = None
    try:
        holds = (await apis.declarations.holds(signed.token, declaration_id))["items"]
    except ApiProblem as problem:
        if problem.status not in (403, 404):
            raise
    context = {
        "declaration": declaration,
        "record": declaration.get("record") or {},
        "history": history,
        "holds": holds,
        "submitter_name": await service.submitter_name(
            apis.auth, signed.session, declaration.get("submitted_by")
        ),
        "stored": stored,
        "may_amend": views.may_amend(signed, declaration),
        "may_hold": views.may_hold(signed),
        "may_open_cases": may_work_on_cases(signed.session.org_type, signed.session.role),
        "request_key": service.new_request_key(),
        "problems": [],
    }
    return render(
        request, "declarations/detail.html", context, signed=signed, active="declarations"
    )


@router.get("/console/declarations/{declaration_id}/log-evidence")
async def log_evidence(request: Request, signed: SignedInDep, declaration_id: Id) -> Response:
    """The log evidence of the current version, as JSON, for the browser's check."""
    evidence = await service.log_evidence(
        declarations=apis_of(request).declarations,
        token=signed.token,
        declaration_id=declaration_id,
    )
    return JSONResponse(evidence, headers={"Cache-Control": "no-store"})


@router.get("/console/declarations/{declaration_id}/amend")
async def amend_form(request: Request, signed: SignedInDep, declaration_id: Id) -> Response:
    """The amend form: the record's fields as they are now, and a reason."""
    declaration, etag = await apis_of(request).declarations.declaration(
        signed.token, declaration_id
    )
    values = service.amendable_values(declaration.get("record"))
    return views.amend_page(request, signed, declaration, etag, values, values, [])


@router.post("/console/declarations/{declaration_id}/amend")
async def amend(request: Request, signed: SignedInDep, declaration_id: Id) -> Response:
    """A new version with the changed fields; a 412 shows the version stored meanwhile."""
    async with request.form(max_files=0, max_fields=40) as submitted:
        signed.check_csrf(views.text(submitted.get("csrf_token")))
        typed = {n: views.text(submitted.get(n)).strip() for n in service.AMENDABLE}
        original = {n: views.text(submitted.get(f"was-{n}")).strip() for n in service.AMENDABLE}
        reason = views.text(submitted.get("reason")).strip()
        etag = views.text(submitted.get("etag"))
        key = views.text(submitted.get("request_key")) or service.new_request_key()
    _ = translator(language(request))
    apis = apis_of(request)
    changes = service.merge_patch(original, typed)
    problems: list[FormProblem] = []
    if not reason:
        problems.append(FormProblem("reason", _("Reason"), _("Say why you amend it.")))
    if not changes:
        problems.append(FormProblem("event_date", _("Changes"), _("Nothing was changed.")))
    if not problems:
        try:
            await apis.declarations.amend(
                signed.token,
                declaration_id,
                reason=reason,
                changes=changes,
                if_match=etag,
                idempotency_key=key,
            )
        except ApiProblem as problem:
            if problem.status not in (409, 412, 422, 428):
                raise
            if problem.status == 412:
                return await views.changed_meanwhile(request, signed, declaration_id, typed, reason)
            problems = views.amend_problems(problem, _)
        else:
            return views.redirect(
                request, signed, f"/console/declarations/{declaration_id}?stored=2"
            )
    declaration, _etag = await apis.declarations.declaration(signed.token, declaration_id)
    context_values = {**typed, "reason": reason}
    return views.amend_page(
        request, signed, declaration, etag, context_values, original, problems, status=422
    )


@router.post("/console/declarations/{declaration_id}/holds")
async def place_hold(request: Request, signed: SignedInDep, declaration_id: Id) -> Response:
    """Place a legal hold with its reason."""
    async with request.form(max_files=0, max_fields=10) as submitted:
        signed.check_csrf(views.text(submitted.get("csrf_token")))
        reason = views.text(submitted.get("reason")).strip()
        key = views.text(submitted.get("request_key")) or service.new_request_key()
    if not reason:
        return await views.hold_refused(request, signed, declaration_id, "reason")
    try:
        await apis_of(request).declarations.place_hold(signed.token, declaration_id, reason, key)
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        return await views.hold_refused(request, signed, declaration_id, "reason")
    return views.redirect(
        request, signed, f"/console/declarations/{declaration_id}?stored=hold#holds"
    )


@router.post("/console/declarations/{declaration_id}/holds/{hold_id}/lift")
async def lift_hold(
    request: Request, signed: SignedInDep, declaration_id: Id, hold_id: Id
) -> Response:
    """Lift a legal hold with its reason."""
    async with request.form(max_files=0, max_fields=10) as submitted:
        signed.check_csrf(views.text(submitted.get("csrf_token")))
        reason = views.text(submitted.get("reason")).strip()
    if not reason:
        return await views.hold_refused(request, signed, declaration_id, f"lift-{hold_id}")
    try:
        await apis_of(request).declarations.lift_hold(signed.token, declaration_id, hold_id, reason)
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        return await views.hold_refused(request, signed, declaration_id, f"lift-{hold_id}")
    return views.redirect(
        request, signed, f"/console/declarations/{declaration_id}?stored=lift#holds"
    )
