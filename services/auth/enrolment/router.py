"""``/auth/enrol/{token}``: the enrolment page (password, authenticator, recovery codes)."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Annotated

import anyio.to_thread
import segno
from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine

from services.auth.clock import NowDep
from services.auth.deps import ActorDep, SettingsDep
from services.auth.enrolment import service
from services.auth.enrolment.service import OpenEnrolment
from services.auth.pages.forms import read_form
from services.auth.pages.render import CSRF_FIELD, FieldError, csrf_ok, render
from services.auth.people import passwords, totp
from services.auth.tokens.check_gate import CheckGate, GateFull
from services.common.database import run_read_session, run_write_session

router = APIRouter(prefix="/auth/enrol", tags=["pages"], include_in_schema=False)

TokenPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_\-]{20,64}$")]
GONE = {
    "title": "This link cannot be used",
    "message": "The link has expired, was already used or was replaced by a newer one."
    " Ask your organisation's administrator for a new one.",
}
STALE_FORM = {"title": "There is a problem", "message": "The form has expired. Please try again."}


async def _open(request: Request, token: str, now: datetime) -> OpenEnrolment | None:
    engine: Engine = request.app.state.engine
    return await run_read_session(
        engine,
        partial(service.open_enrolment, token=token, now=now),
        limiter=anyio.to_thread.current_default_thread_limiter(),
    )


def _page(
    request: Request, token: str, enrolment: OpenEnrolment, errors: list[FieldError], status: int
) -> HTMLResponse:
    uri = totp.provisioning_uri(enrolment.totp_secret, account=enrolment.email)
    key = enrolment.totp_secret
    return render(
        request,
        "enrol.html",
        {
            "action": f"/auth/enrol/{token}",
            "person_name": enrolment.name,
            "email": enrolment.email,
            "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, title=None),
            "key_text": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        },
        errors=errors,
        status=status,
    )


@router.get("/{token}", response_class=HTMLResponse)
async def enrolment_page(request: Request, token: TokenPath, now: NowDep) -> HTMLResponse:
    """The form; 410 when the link is unknown, used, replaced or expired."""
    enrolment = await _open(request, token, now)
    if enrolment is None:
        return render(request, "message.html", GONE, status=410)
    return _page(request, token, enrolment, [], 200)


@router.post("/{token}", response_class=HTMLResponse)
async def enrol(
    request: Request, token: TokenPath, now: NowDep, settings: SettingsDep, actor: ActorDep
) -> HTMLResponse:
    """Check every field and name every problem; on success show the recovery codes once."""
    form = await read_form(request)
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return render(request, "message.html", STALE_FORM, status=403)
    enrolment = await _open(request, token, now)
    if enrolment is None:
        return render(request, "message.html", GONE, status=410)
    password = form.get("password", "")
    errors: list[FieldError] = []
    if not password:
        errors.append(FieldError("password", "Enter a password"))
    else:
        errors.extend(
            FieldError("password", problem)
            for problem in passwords.problems(password, email=enrolment.email, name=enrolment.name)
        )
    if password and form.get("password_confirm", "") != password:
        errors.append(FieldError("password_confirm", "The two passwords do not match"))
    code = form.get("code", "").strip()
    step = totp.accepted_step(enrolment.totp_secret, code, last_step=None, now=now)
    if not code:
        errors.append(FieldError("code", "Enter the 6-digit code from your authenticator app"))
    elif step is None:
        errors.append(
            FieldError("code", "The code is not right or was already used: wait for the next one")
        )
    if errors or step is None:
        return _page(request, token, enrolment, errors, 422)
    gate: CheckGate = request.app.state.secret_check_gate
    try:
        password_hash = await gate.run(
            actor.address, partial(passwords.hash_password, settings, password)
        )
    except GateFull:
        return render(request, "message.html", STALE_FORM, status=429)
    codes = await run_write_session(
        request,
        lambda session: service.complete_enrolment(
            session=session,
            enrolment=enrolment,
            password_hash=password_hash,
            totp_step=step,
            actor=actor,
            now=now,
        ),
    )
    if codes is None:
        return render(request, "message.html", GONE, status=410)
    return render(request, "enrolled.html", {"recovery_codes": codes})
