"""Rendering the declarations pages: the declare, amend and upload forms, the detail
page after a refused hold, and who may amend or place holds."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from services.console.clients.base import ApiProblem, FieldProblem
from services.console.declarations import service, upload
from services.console.declarations.form import (
    INCIDENT_TYPES,
    LABELS,
    DeclareForm,
    FormProblem,
    problems_on_form,
)
from services.console.drafts import service as drafts
from services.console.i18n import N_, Gettext, language, translator
from services.console.pages import render
from services.console.signed_in import SignedIn, apis_of


def upload_page(
    request: Request,
    signed: SignedIn,
    problems: list[upload.CellProblem],
    stored: list[object],
    *,
    status: int = 200,
) -> Response:
    context = {
        "problems": problems,
        "cells": [p for p in problems if p.row],
        "stored_declarations": stored,
        "request_key": service.new_request_key(),
    }
    return render(
        request,
        "declarations/upload.html",
        context,
        signed=signed,
        status=status,
        active="upload-declarations",
    )


def text(value: object) -> str:
    return value if isinstance(value, str) else ""


def may_amend(signed: SignedIn, declaration: dict[str, object]) -> bool:
    session = signed.session
    return (
        session.org_type == "member_state"
        and session.can("declarations:write")
        and session.country == declaration.get("declaring_country")
        and declaration.get("record") is not None
    )


def may_hold(signed: SignedIn) -> bool:
    # Secretariat analysts and admins (their role carries alerts:triage; readers not).
    session = signed.session
    return session.org_type == "secretariat" and session.can("alerts:triage")


def redirect(request: Request, signed: SignedIn, to: str) -> Response:
    response = RedirectResponse(to, status_code=303)
    if signed.refreshed:
        request.app.state.sealer.store_session(request, response, signed.session)
    return response


@dataclass(frozen=True)
class DraftRef:
    """The declaration draft a form changes, as of the version it was read."""

    id: str
    version: str


async def declare_page(
    request: Request,
    signed: SignedIn,
    form: DeclareForm,
    problems: list[FormProblem],
    *,
    key: str,
    status: int = 200,
    draft: DraftRef | None = None,
) -> Response:
    incidents: list[object] = []
    try:
        incidents = (await apis_of(request).declarations.incidents(signed.token, limit=100))[
            "items"
        ]
    except ApiProblem as problem:
        if problem.status not in (403, 404):
            raise
    context = {
        "values": form.values,
        "rows": form.rows,
        "problems": problems,
        "request_key": key,
        "incidents": incidents,
        "incident_types": INCIDENT_TYPES,
        "draft": draft,
    }
    return render(
        request,
        "declarations/declare.html",
        context,
        signed=signed,
        status=status,
        active="declare",
    )


async def save_draft(
    request: Request, signed: SignedIn, form: DeclareForm, key: str, draft: DraftRef | None
) -> Response:
    """The form saved as a declaration draft, a new one or over ``draft`` (complete or
    not: the draft's page lists its problems); a new incident is refused, as a draft
    creates no record."""
    _ = translator(language(request))
    if form.new_incident() is not None:
        field = "new_incident_type"
        label = _(LABELS[field])
        problem = FormProblem(
            field,
            label,
            _("A draft cannot record a new incident: choose an existing one or declare now."),
            column=label,
        )
        return await declare_page(
            request, signed, form, [problem], key=key, status=422, draft=draft
        )
    body, title = form.document(signed.session.country or ""), form.title(_)
    client = apis_of(request).declarations
    try:
        if draft is None:
            saved = await drafts.save_declaration_draft(
                client, signed.token, body=body, title=title, key="draft-" + key
            )
        else:
            saved = await drafts.resave_declaration_draft(
                client,
                signed.token,
                draft_id=draft.id,
                version=draft.version,
                body=body,
                title=title,
            )
    except ApiProblem as problem:
        if problem.status not in (409, 412, 413, 422):
            raise
        problems = problems_on_form(problem, form, _)
        if problem.status in (409, 412):
            message = _("Someone changed this draft meanwhile: check it again.")
            problems = [FormProblem("type", _("Draft"), message, column=_("Draft"))]
        return await declare_page(
            request,
            signed,
            form,
            problems,
            key=service.new_request_key(),
            status=problem.status,
            draft=draft,
        )
    return redirect(request, signed, f"/console/drafts/declaration/{saved['id']}?done=saved")


def amend_page(
    request: Request,
    signed: SignedIn,
    declaration: dict[str, object],
    etag: str,
    values: dict[str, str],
    original: dict[str, str],
    problems: list[FormProblem],
    *,
    status: int = 200,
    changed_meanwhile: bool = False,
) -> Response:
    context = {
        "declaration": declaration,
        "etag": etag,
        "values": values,
        "original": original,
        "problems": problems,
        "request_key": service.new_request_key(),
        "changed_meanwhile": changed_meanwhile,
        "fields": service.AMENDABLE,
    }
    return render(
        request,
        "declarations/amend.html",
        context,
        signed=signed,
        status=status,
        active="declarations",
    )


async def changed_meanwhile(
    request: Request, signed: SignedIn, declaration_id: str, typed: dict[str, str], reason: str
) -> Response:
    declaration, etag = await apis_of(request).declarations.declaration(
        signed.token, declaration_id
    )
    current = service.amendable_values(declaration.get("record"))
    return amend_page(
        request,
        signed,
        declaration,
        etag,
        {**typed, "reason": reason},
        current,
        [],
        status=412,
        changed_meanwhile=True,
    )


AMEND_LOCS = {f"changes.{n}": n for n in service.AMENDABLE} | {
    f"changes.location.{n}": n for n in ("place", "lat", "lon")
}


def amend_problems(problem: ApiProblem, _: Gettext) -> list[FormProblem]:
    placed = []
    for error in problem.errors or [FieldProblem("", problem.detail)]:
        loc = error.loc.removeprefix("body.")
        name = AMEND_LOCS.get(loc) or loc.removeprefix("location.") or ""
        if name not in service.AMENDABLE and name != "reason":
            name = "event_date"
        label = _(AMEND_LABELS.get(name, N_("Changes")))
        placed.append(FormProblem(name, label, error.msg, column=label))
    return placed


AMEND_LABELS = {
    "event_date": N_("Date"),
    "place": N_("Place"),
    "lat": N_("Latitude"),
    "lon": N_("Longitude"),
    "mission": N_("Mission"),
    "presumed_user": N_("Presumed user"),
    "circumstances": N_("Circumstances"),
    "reason": N_("Reason"),
}


async def hold_refused(
    request: Request, signed: SignedIn, declaration_id: str, field: str
) -> Response:
    _ = translator(language(request))
    apis = apis_of(request)
    declaration, _etag, history = await service.declaration_detail(
        declarations=apis.declarations, token=signed.token, declaration_id=declaration_id
    )
    holds = (await apis.declarations.holds(signed.token, declaration_id))["items"]
    context = {
        "declaration": declaration,
        "record": declaration.get("record") or {},
        "history": history,
        "holds": holds,
        "submitter_name": await service.submitter_name(
            apis.auth, signed.session, declaration.get("submitted_by")
        ),
        "stored": "",
        "may_amend": may_amend(signed, declaration),
        "may_hold": may_hold(signed),
        "request_key": service.new_request_key(),
        "problems": [FormProblem(field, _("Reason"), _("Give a reason."), column=_("Reason"))],
    }
    return render(
        request,
        "declarations/detail.html",
        context,
        signed=signed,
        status=422,
        active="declarations",
    )
