"""Sign-in (authorization code + PKCE through auth's pages), callback, sign-out."""

from __future__ import annotations

import contextlib
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from services.console.clients.base import ApiError
from services.console.i18n import N_, language
from services.console.pages import render
from services.console.session import (
    SIGNIN_SECONDS,
    clear_cookie,
    session_cookie_name,
    set_cookie,
    signin_cookie_name,
)
from services.console.signed_in import SignedInDep, apis_of, sealer_of
from services.console.signin.service import NotRegistered, session_from_tokens, start_signin

router = APIRouter(include_in_schema=False)


def _problem_page(request: Request, message: str, status: int) -> Response:
    return render(
        request, "message.html", {"title": N_("Sign-in failed"), "message": message}, status=status
    )


@router.get("/console/signin")
async def signin(request: Request, next: str = "/console/") -> Response:
    """Send the browser to auth's sign-in page with a fresh PKCE challenge."""
    try:
        credentials = request.app.state.credentials()
    except NotRegistered:
        return _problem_page(
            request, N_("The console is not registered with the sign-in service yet."), 503
        )
    start = start_signin(
        settings=request.app.state.settings,
        credentials=credentials,
        next_path=next,
        lang=language(request),
    )
    response = RedirectResponse(start.authorize_url, status_code=303)
    sealed = sealer_of(request).seal(start.remembered)
    set_cookie(request, response, signin_cookie_name(request), sealed, max_age=SIGNIN_SECONDS)
    return response


@router.get("/console/callback")
async def callback(request: Request, code: str = "", state: str = "", error: str = "") -> Response:
    """Exchange the authorization code for the person's tokens and seal them."""
    remembered = sealer_of(request).open(
        request.cookies.get(signin_cookie_name(request)), max_age=SIGNIN_SECONDS
    )
    if remembered is None or not state or remembered.get("state") != state:
        return _problem_page(
            request, N_("This sign-in has expired or was not started here. Please try again."), 400
        )
    if error or not code:
        return _problem_page(request, N_("The sign-in was refused. Please try again."), 400)
    settings = request.app.state.settings
    credentials = request.app.state.credentials()
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": settings.redirect_uri(),
        "code_verifier": str(remembered["verifier"]),
    }
    try:
        tokens = await apis_of(request).auth.token(
            form, credentials.client_id, credentials.client_secret
        )
    except ApiError:
        return _problem_page(
            request, N_("This sign-in has expired or was not started here. Please try again."), 400
        )
    response = RedirectResponse(str(remembered["next"]), status_code=303)
    sealer_of(request).store_session(request, response, session_from_tokens(tokens))
    clear_cookie(request, response, signin_cookie_name(request))
    return response


@router.post("/console/signout")
async def signout(
    request: Request, signed: SignedInDep, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    """End the session at auth (revoking the refresh token) and forget it here."""
    signed.check_csrf(csrf_token)
    credentials = request.app.state.credentials()
    if signed.session.refresh_token:
        # The cookie goes anyway; the access token expires within minutes.
        with contextlib.suppress(ApiError):
            await apis_of(request).auth.revoke(
                signed.session.refresh_token, credentials.client_id, credentials.client_secret
            )
    response = RedirectResponse("/console/signed-out", status_code=303)
    clear_cookie(request, response, session_cookie_name(request))
    return response


@router.get("/console/signed-out")
async def signed_out(request: Request) -> Response:
    """A page saying the person is signed out, with a way back in (it shows no records)."""
    return render(
        request,
        "message.html",
        {
            "title": N_("You are signed out"),
            "message": N_("You have signed out of the console."),
            "signin_link": True,
        },
    )
