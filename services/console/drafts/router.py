"""Drafts: my organisation's list, one draft with its problems, submit/approve/return,
and a manifest upload saved as a draft."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from services.console.clients.base import ApiProblem
from services.console.drafts import service
from services.console.i18n import language, translator
from services.console.manifests import service as manifests
from services.console.pages import render
from services.console.signed_in import SignedIn, SignedInDep, apis_of

router = APIRouter(include_in_schema=False)

MAX_UPLOAD_BYTES = 128 * 1024 * 1024
KindKey = Annotated[str, Path(pattern="^(manifest|declaration)$")]
DraftId = Annotated[str, Path(max_length=36)]


def _redirect(request: Request, signed: SignedIn, url: str) -> Response:
    response = RedirectResponse(url, status_code=303)
    if signed.refreshed:
        request.app.state.sealer.store_session(request, response, signed.session)
    return response


@router.get("/console/drafts")
async def draft_list(
    request: Request,
    signed: SignedInDep,
    kind: Annotated[str, Query(pattern="^(manifest|declaration)$")] = "manifest",
    status: Annotated[str, Query(max_length=20)] = "",
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> Response:
    """My organisation's drafts of one kind, oldest first; ``status`` narrows them."""
    chosen = service.KINDS[kind]
    client = service.client_for(apis_of(request), chosen)
    page = await service.draft_page(client, chosen, signed.token, status=status, cursor=cursor)
    next_cursor = page.get("next_cursor")
    next_query = None
    if isinstance(next_cursor, str):
        next_query = manifests.page_query({"kind": kind, "status": status}, next_cursor)
    context = {
        "kind": chosen,
        "kinds": service.KINDS.values(),
        "status": status if status in service.STATUSES else "",
        "statuses": service.STATUSES,
        "status_names": service.STATUS_NAMES,
        "drafts": page["items"],
        "next_query": next_query,
    }
    return render(request, "drafts/list.html", context, signed=signed, active="drafts")


@router.get("/console/drafts/{kind}/{draft_id}")
async def draft_detail(
    request: Request, signed: SignedInDep, kind: KindKey, draft_id: DraftId, done: str = ""
) -> Response:
    """One draft: its header, problems, items, history and the steps I may take."""
    return await _detail_page(request, signed, kind, draft_id, notice=done)


async def _detail_page(
    request: Request,
    signed: SignedIn,
    kind: str,
    draft_id: str,
    *,
    notice: str = "",
    problems: list[manifests.CellProblem] | None = None,
    comment: str = "",
    status: int = 200,
) -> Response:
    chosen = service.KINDS[kind]
    client = service.client_for(apis_of(request), chosen)
    found = await service.draft(client, chosen, signed.token, draft_id)
    body = found.get("body") if isinstance(found.get("body"), dict) else {}
    columns, items, item_count = service.items_of(body or {})
    _ = translator(language(request))
    context = {
        "kind": chosen,
        "draft": found,
        "header": service.header_of(body or {}),
        "columns": columns,
        "items": items,
        "item_count": item_count,
        "status_names": service.STATUS_NAMES,
        "field_labels": manifests.FIELD_LABELS,
        "action_names": service.ACTION_NAMES,
        "can_edit": signed.session.can(chosen.write_scope),
        "can_approve": signed.session.can(chosen.write_scope) and signed.session.role == "admin",
        "notice": notice,
        "problems": problems or [],
        "draft_problems": [
            manifests.translated_problem(str(p.get("msg", "")), _) for p in found["problems"]
        ],
        "comment": comment,
        "approve_key": manifests.new_upload_key(),
    }
    return render(
        request, "drafts/detail.html", context, signed=signed, status=status, active="drafts"
    )


@router.post("/console/drafts/{kind}/{draft_id}/{action}")
async def draft_step(
    request: Request,
    signed: SignedInDep,
    kind: KindKey,
    draft_id: DraftId,
    action: Annotated[str, Path(pattern="^(submit|approve|return)$")],
) -> Response:
    """Submit, approve or return the draft as I saw it; every refusal shown on its page."""
    async with request.form(max_files=0, max_fields=10) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
        version = _text(form.get("version"))[:20]
        comment = _text(form.get("comment")).strip()
        key = _text(form.get("key"))[:100] or manifests.new_upload_key()
    _ = translator(language(request))
    if action == "return" and not comment:
        missing = [manifests.CellProblem("", _("Comment"), "comment", _("Say what to change."))]
        return await _detail_page(request, signed, kind, draft_id, problems=missing, status=422)
    chosen = service.KINDS[kind]
    client = service.client_for(apis_of(request), chosen)
    try:
        await service.step(
            client,
            chosen,
            signed.token,
            draft_id=draft_id,
            action=action,
            version=version,
            comment=comment,
            key=key,
        )
    except ApiProblem as problem:
        if problem.status not in (409, 412, 422):
            raise
        refused = manifests.refusal(problem, _)
        if problem.status == 412:
            refused.fields = [
                manifests.CellProblem(
                    "", "", "draft", _("Someone changed this draft meanwhile: check it again.")
                )
            ]
        return await _detail_page(
            request,
            signed,
            kind,
            draft_id,
            problems=refused.fields + refused.cells,
            comment=comment,
            status=problem.status,
        )
    return _redirect(request, signed, f"/console/drafts/{kind}/{draft_id}?done={action}")


@router.post("/console/drafts/manifest/upload")
async def upload_as_draft(request: Request, signed: SignedInDep) -> Response:
    """The upload form's "save as draft": the registry reads the file into a draft."""
    async with request.form(max_files=1, max_fields=20) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
        values = {name: _text(form.get(name)).strip() for name in manifests.UPLOAD_FIELDS}
        values["closes_rotation"] = _text(form.get("closes_rotation"))
        key = "draft-" + (_text(form.get("upload_key")) or manifests.new_upload_key())
        file = form.get("file")
        filename = file.filename if isinstance(file, UploadFile) and file.filename else ""
        content = await file.read(MAX_UPLOAD_BYTES + 1) if isinstance(file, UploadFile) else b""
    _ = translator(language(request))
    if not filename or not content:
        missing = manifests.Refusal(
            detail=_("Choose a CSV or XLSX file."),
            fields=[manifests.CellProblem("", _("File"), "file", _("Choose a CSV or XLSX file."))],
        )
        return _upload_page(request, signed, values, missing, 422)
    sent = {k: v for k, v in values.items() if k in manifests.UPLOAD_FIELDS and v}
    if values.get("closes_rotation"):
        sent["closes_rotation"] = "true"
    try:
        saved = await service.upload_as_draft(
            apis_of(request).registry,
            signed.token,
            fields=sent,
            filename=filename,
            content=content,
            key=key,
        )
    except ApiProblem as problem:
        if problem.status not in (409, 413, 415, 422):
            raise
        return _upload_page(request, signed, values, manifests.refusal(problem, _), problem.status)
    return _redirect(request, signed, f"/console/drafts/manifest/{saved['id']}?done=saved")


def _upload_page(
    request: Request,
    signed: SignedIn,
    values: dict[str, str],
    refused: manifests.Refusal,
    status: int,
) -> Response:
    context = {
        "values": values,
        "refused": refused,
        "problems": refused.fields + refused.cells,
        "upload_key": manifests.new_upload_key(),
    }
    return render(
        request, "manifests/upload.html", context, signed=signed, status=status, active="upload"
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
