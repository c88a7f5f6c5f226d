"""The person's profile page: open sessions (sign one out) and email preferences."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from services.console.clients.base import ApiProblem, FieldProblem
from services.console.i18n import LANGUAGE_NAMES
from services.console.pages import render
from services.console.profile import service
from services.console.signed_in import SignedIn, SignedInDep, apis_of

router = APIRouter(include_in_schema=False)


@router.get("/console/profile")
async def profile(
    request: Request,
    signed: SignedInDep,
    done: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """The person's sessions and email preferences."""
    apis = apis_of(request)
    sessions, chosen = await service.profile(
        auth=apis.auth, registry=apis.registry, token=signed.token
    )
    return _page(request, signed, sessions, chosen, [], done=done)


@router.post("/console/profile/preferences")
async def choose(request: Request, signed: SignedInDep) -> Response:
    """Store the person's email preferences, or show every problem."""
    async with request.form(max_files=0, max_fields=40) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
        values = {name: _text(value) for name, value in form.items() if name != "csrf_token"}
    apis = apis_of(request)
    try:
        await service.choose(registry=apis.registry, token=signed.token, form=values)
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        sessions, chosen = await service.profile(
            auth=apis.auth, registry=apis.registry, token=signed.token
        )
        events = {k.removeprefix("event:"): v for k, v in values.items() if k.startswith("event:")}
        chosen = {
            "events": {**chosen.get("events", {}), **events},
            "language": values.get("language") or None,
        }
        problems = [_located(e) for e in problem.errors or [FieldProblem("", problem.detail)]]
        return _page(request, signed, sessions, chosen, problems, status=422)
    return _redirect(request, signed, "/console/profile?done=saved")


@router.post("/console/profile/sessions/{session_id}/end")
async def end_session(
    request: Request,
    signed: SignedInDep,
    session_id: Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")],
) -> Response:
    """Sign one of the person's sessions out (404 page for a session not theirs)."""
    async with request.form(max_files=0, max_fields=5) as form:
        signed.check_csrf(_text(form.get("csrf_token")))
    await apis_of(request).auth.end_session(signed.token, session_id)
    return _redirect(request, signed, "/console/profile?done=ended")


def _located(error: FieldProblem) -> dict[str, str]:
    place = error.loc.removeprefix("body.").removeprefix("events.")
    field = f"event-{place}" if place in service.EVENT_NAMES else "language"
    return {"field": field, "column": place, "message": error.msg, "row": ""}


def _page(
    request: Request,
    signed: SignedIn,
    sessions: list[dict[str, Any]],
    chosen: dict[str, Any],
    problems: list[dict[str, str]],
    *,
    done: str = "",
    status: int = 200,
) -> Response:
    context = {
        "sessions": sessions,
        "console_app": request.app.state.credentials().client_id,
        "events": chosen.get("events", {}),
        "email_language": chosen.get("language") or "",
        "event_names": service.EVENT_NAMES,
        "modes": service.MODES,
        "email_languages": [(c, LANGUAGE_NAMES[c]) for c in service.EMAIL_LANGUAGES],
        "problems": problems,
        "done": done if done in ("saved", "ended") else "",
    }
    return render(
        request, "profile/profile.html", context, signed=signed, status=status, active="profile"
    )


def _redirect(request: Request, signed: SignedIn, to: str) -> Response:
    response = RedirectResponse(to, status_code=303)
    if signed.refreshed:
        request.app.state.sealer.store_session(request, response, signed.session)
    return response


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
