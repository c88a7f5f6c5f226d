"""The signed-in person of a request, refreshed silently; CSRF; errors shown as pages.

Exceptions (each rendered by a handler in ``app.py``)::

    SignInRequired   no (usable) session: 303 to the sign-in, then back here
    CsrfRefused      a form without this session's CSRF token: 403 page
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from services.console.clients.apis import Apis
from services.console.clients.base import ApiProblem
from services.console.refreshes import Refreshes
from services.console.session import Sealer, Session
from services.console.signin.service import AppCredentials, session_from_tokens

REFRESH_MARGIN_SECONDS = 60


class SignInRequired(Exception):
    """The request needs a signed-in person."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRefused(Exception):
    """A form came without this session's CSRF token."""


@dataclass
class SignedIn:
    """The person behind a request, with their (possibly refreshed) session."""

    session: Session
    refreshed: bool = False

    @property
    def token(self) -> str:
        """The person's access token, for the APIs."""
        return self.session.access_token

    def check_csrf(self, submitted: str | None) -> None:
        """Refuse a form whose CSRF token is not this session's (constant-time)."""
        if not submitted or not hmac.compare_digest(submitted.encode(), self.session.csrf.encode()):
            raise CsrfRefused


def sealer_of(request: Request) -> Sealer:
    """The app's cookie sealer."""
    sealer: Sealer = request.app.state.sealer
    return sealer


def apis_of(request: Request) -> Apis:
    """The app's API clients."""
    apis: Apis = request.app.state.apis
    return apis


async def signed_in(request: Request) -> SignedIn:
    """The signed-in person; an access token about to expire is refreshed first."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    session = sealer_of(request).open_session(request)
    if session is None:
        raise SignInRequired(here if request.method == "GET" else "/console/")
    if session.expires_at - REFRESH_MARGIN_SECONDS > time.time():
        return SignedIn(session)
    if not session.refresh_token:
        raise SignInRequired(here)
    credentials: AppCredentials = request.app.state.credentials()
    refreshes: Refreshes = request.app.state.refreshes
    form = {"grant_type": "refresh_token", "refresh_token": session.refresh_token}
    try:
        tokens = await refreshes.refresh(
            session.refresh_token,
            lambda: apis_of(request).auth.token(
                form, credentials.client_id, credentials.client_secret
            ),
        )
    except ApiProblem as problem:  # the session ended at auth (idle, revoked, disabled)
        raise SignInRequired(here) from problem
    renewed = session_from_tokens(tokens, csrf=session.csrf, signed_in_at=session.signed_in_at)
    return SignedIn(renewed, refreshed=True)


SignedInDep = Annotated[SignedIn, Depends(signed_in)]
