"""``/auth/authorize``: the sign-in pages of the authorization code flow (with PKCE).

GET shows email and password; POST checks them (argon2id at the gate, an unknown
email checked against a dummy hash and answered alike); the second page takes an
authenticator or recovery code and redirects to the app with a one-time code.
Failed attempts are limited per email from one address and per address.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import partial

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Engine

from services.auth.actors import Actor
from services.auth.clock import NowDep
from services.auth.deps import ActorDep, SettingsDep
from services.auth.pages.forms import read_form
from services.auth.pages.render import CSRF_FIELD, FieldError, csrf_cookie, csrf_ok, render
from services.auth.pages.signed import sign, unsign
from services.auth.people.secrets import digest
from services.auth.settings import AuthSettings
from services.auth.signin import service
from services.auth.signin.requests import (
    PARAMETERS,
    AuthorizationRequest,
    RequestRefused,
    check_request,
    redirect_with,
)
from services.auth.tokens.check_gate import CheckGate, GateFull
from services.auth.tokens.ratelimit import FailureLimiter
from services.common.database import run_read_session, run_write_session

router = APIRouter(prefix="/auth/authorize", tags=["pages"], include_in_schema=False)

PENDING_SECONDS = 300
WRONG = "The email address or the password is not right"
STALE_FORM = {"title": "There is a problem", "message": "The form has expired. Please try again."}
TOO_SLOW = {
    "title": "Sign-in cannot continue",
    "message": "Signing in took too long. Start again from the app.",
}
LOCKED = {"title": "There is a problem", "message": "Too many attempts. Try again later."}


async def _checked(
    request: Request, parameters: Mapping[str, str]
) -> AuthorizationRequest | Response:
    engine: Engine = request.app.state.engine
    try:
        return await run_read_session(
            engine,
            partial(check_request, parameters=parameters),
            limiter=anyio.to_thread.current_default_thread_limiter(),
        )
    except RequestRefused as refused:
        if refused.redirect is not None:
            return RedirectResponse(refused.redirect, status_code=303)
        message = {"title": "Sign-in cannot continue", "message": refused.description}
        return render(request, "message.html", message, status=400)


def _password_page(
    request: Request,
    authorization: AuthorizationRequest,
    errors: list[FieldError],
    status: int,
    email: str = "",
) -> HTMLResponse:
    return render(
        request,
        "signin_password.html",
        {"authorization": authorization.hidden_fields(), "email": email},
        errors=errors,
        status=status,
    )


def _code_page(
    request: Request,
    authorization: AuthorizationRequest,
    pending: str,
    errors: list[FieldError],
    status: int,
) -> HTMLResponse:
    return render(
        request,
        "signin_code.html",
        {"pending": pending},
        errors=errors,
        status=status,
        form_targets=[authorization.redirect_origin()],
    )


async def _record(
    request: Request,
    *,
    event: str,
    actor: Actor,
    now: datetime,
    person_id: str | None,
    email: str,
    details: dict[str, object] | None = None,
) -> None:
    await run_write_session(
        request,
        lambda session: service.record(
            session,
            event=event,
            actor=actor,
            now=now,
            person_id=person_id,
            email=email,
            details=details,
        ),
    )


async def _locked_out(
    request: Request, *, email_key: str, actor: Actor, now: datetime
) -> HTMLResponse | None:
    limiter: FailureLimiter = request.app.state.signin_limiter
    wait = limiter.retry_after(client_id=email_key, address=actor.address)
    if wait is None:
        return None
    await _record(
        request,
        event="signin.locked",
        actor=actor,
        now=now,
        person_id=None,
        email=email_key,
        details={"retry_after": wait},
    )
    page = render(request, "message.html", LOCKED, status=429)
    page.headers["Retry-After"] = str(wait)
    return page


@router.get("", response_class=HTMLResponse)
async def authorize(request: Request) -> Response:
    """The sign-in page, once the app, its redirect URI, ``state`` and the S256
    challenge check out (no redirect to a URI the app did not register)."""
    checked = await _checked(request, dict(request.query_params))
    if not isinstance(checked, AuthorizationRequest):
        return checked
    return _password_page(request, checked, [], 200)


@router.post("", response_class=HTMLResponse)
async def check_password(
    request: Request, settings: SettingsDep, actor: ActorDep, now: NowDep
) -> Response:
    """Email and password; the same answer for an unknown email and a wrong password."""
    form = await read_form(request)
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return render(request, "message.html", STALE_FORM, status=403)
    checked = await _checked(request, {**form, "response_type": "code"})
    if not isinstance(checked, AuthorizationRequest):
        return checked
    email, password = form.get("email", "").strip(), form.get("password", "")
    errors = []
    if not email:
        errors.append(FieldError("email", "Enter your email address"))
    if not password:
        errors.append(FieldError("password", "Enter your password"))
    if errors:
        return _password_page(request, checked, errors, 422, email)
    candidate = await run_read_session(
        request.app.state.engine,
        partial(service.find_candidate, email=email[:254]),
        limiter=anyio.to_thread.current_default_thread_limiter(),
    )
    locked = await _locked_out(request, email_key=candidate.email_key, actor=actor, now=now)
    if locked is not None:
        return locked
    gate: CheckGate = request.app.state.secret_check_gate
    try:
        right = await gate.run(
            actor.address, partial(service.check_password, settings, candidate, password)
        )
    except GateFull:
        return render(request, "message.html", LOCKED, status=429)
    if not right or candidate.person_id is None:
        request.app.state.signin_limiter.record_failure(
            client_id=candidate.email_key, address=actor.address
        )
        await _record(
            request,
            event="signin.failed",
            actor=actor,
            now=now,
            person_id=candidate.person_id,
            email=candidate.email_key,
            details={"step": "password"},
        )
        return _password_page(request, checked, [FieldError("email", WRONG)], 422, email)
    pending = _pending(settings, request, candidate, checked, now)
    return _code_page(request, checked, pending, [], 200)


def _page_key(request: Request) -> bytes:
    key: bytes = request.app.state.page_key
    return key


def _pending(
    settings: AuthSettings,
    request: Request,
    candidate: service.Candidate,
    authorization: AuthorizationRequest,
    now: datetime,
) -> str:
    """The signed "password checked" state, bound to this browser's CSRF cookie."""
    return sign(
        _page_key(request),
        {
            "p": candidate.person_id,
            "e": candidate.email_key,
            "r": authorization.hidden_fields(),
            "c": digest(csrf_cookie(request)),
            "x": int(now.timestamp()) + PENDING_SECONDS,
        },
    )


@router.post("/verify", response_class=HTMLResponse)
async def check_second_factor(
    request: Request, settings: SettingsDep, actor: ActorDep, now: NowDep
) -> Response:
    """An authenticator code (never one already used) or a recovery code; then back to
    the app with a one-time authorization code and its ``state``."""
    form = await read_form(request)
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return render(request, "message.html", STALE_FORM, status=403)
    pending_value = form.get("pending", "")
    pending = unsign(_page_key(request), pending_value)
    if (
        pending is None
        or pending.get("c") != digest(csrf_cookie(request))
        or not isinstance(pending.get("x"), int)
        or pending["x"] <= now.timestamp()
        or not isinstance(pending.get("r"), dict)
    ):
        return render(request, "message.html", TOO_SLOW, status=400)
    parameters = {k: str(v) for k, v in pending["r"].items() if k in PARAMETERS}
    checked = await _checked(request, {**parameters, "response_type": "code"})
    if not isinstance(checked, AuthorizationRequest):
        return checked
    person_id, email_key = str(pending["p"]), str(pending["e"])
    locked = await _locked_out(request, email_key=email_key, actor=actor, now=now)
    if locked is not None:
        return locked
    code, recovery = form.get("code", ""), form.get("recovery_code", "")
    if not code.strip() and not recovery.strip():
        error = FieldError("code", "Enter a code from your authenticator app or a recovery code")
        return _code_page(request, checked, pending_value, [error], 422)
    authorization_code = await run_write_session(
        request,
        lambda session: service.second_factor(
            session=session,
            settings=settings,
            person_id=person_id,
            code=code,
            recovery_code=recovery,
            authorization=checked,
            actor=actor,
            now=now,
        ),
    )
    if authorization_code is None:
        request.app.state.signin_limiter.record_failure(client_id=email_key, address=actor.address)
        await _record(
            request,
            event="signin.failed",
            actor=actor,
            now=now,
            person_id=person_id,
            email=email_key,
            details={"step": "recovery_code" if not code.strip() else "totp"},
        )
        field = "code" if code.strip() else "recovery_code"
        error = FieldError(field, "The code is not right")
        return _code_page(request, checked, pending_value, [error], 422)
    target = redirect_with(
        checked.redirect_uri,
        {
            "code": authorization_code,
            "state": checked.state,
            "iss": f"{settings.resolved_public_url()}/auth",
        },
    )
    return RedirectResponse(target, status_code=303)
