"""Sessions of the organisation's people (its admin; the operator, any organisation's):
who is signed in, where, since when, and signing one session out after confirming.
Auth refuses anyone else (403) and hides another organisation's sessions (404)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from services.console.admin import service
from services.console.pages import render
from services.console.signed_in import SignedIn, SignedInDep, apis_of

router = APIRouter(include_in_schema=False)

SessionId = Annotated[str, Path(pattern=r"^ses_[0-9a-f]{32}$")]
OrganisationCode = Annotated[str, Query(max_length=16, pattern=r"^[A-Za-z0-9_]*$")]
Cursor = Annotated[str | None, Query(max_length=1024)]


@router.get("/console/admin/sessions")
async def sessions(
    request: Request,
    signed: SignedInDep,
    organisation: OrganisationCode = "",
    cursor: Cursor = None,
    done: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """The open sessions of the organisation's people, each with a sign-out button."""
    code = (organisation or signed.session.organisation).upper()
    page = await apis_of(request).auth.organisation_sessions(
        signed.token, code, limit=service.PAGE_SIZE, cursor=cursor
    )
    next_cursor = page.get("next_cursor")
    context = {
        "sessions": page["items"],
        "console_app": request.app.state.credentials().client_id,
        "organisation": code,
        "next_query": service.page_query(
            code, next_cursor if isinstance(next_cursor, str) else None
        ),
        "role_names": service.ROLE_NAMES,
        "myself": signed.session.person,
        "done": done == "ended",
    }
    return render(request, "admin/sessions.html", context, signed=signed, active="sessions")


@router.get("/console/admin/sessions/{session_id}/end")
async def confirm_end(
    request: Request,
    signed: SignedInDep,
    session_id: SessionId,
    organisation: OrganisationCode = "",
) -> Response:
    """The confirmation step: whose session, which app, from where."""
    code = (organisation or signed.session.organisation).upper()
    found = await apis_of(request).auth.organisation_session(signed.token, code, session_id)
    context = {
        "found": found,
        "organisation": code,
        "role_names": service.ROLE_NAMES,
        "console_app": request.app.state.credentials().client_id,
    }
    return render(request, "admin/session_confirm.html", context, signed=signed, active="sessions")


@router.post("/console/admin/sessions/{session_id}/end")
async def end(
    request: Request,
    signed: SignedInDep,
    session_id: SessionId,
    organisation: OrganisationCode = "",
) -> Response:
    """Sign the session out once confirmed (404 page for another organisation's)."""
    async with request.form(max_files=0, max_fields=5) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
    code = (organisation or signed.session.organisation).upper()
    await apis_of(request).auth.end_organisation_session(signed.token, code, session_id)
    return _redirect(request, signed, f"/console/admin/sessions?organisation={code}&done=ended")


def _redirect(request: Request, signed: SignedIn, to: str) -> Response:
    response = RedirectResponse(to, status_code=303)
    if signed.refreshed:
        request.app.state.sealer.store_session(request, response, signed.session)
    return response


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
