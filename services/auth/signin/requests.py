"""Reading an authorization request (RFC 6749 section 4.1.1 with PKCE, RFC 7636), as
RFC 9700 asks: code flow only, S256 only, ``state`` required, exact redirect URI."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from urllib.parse import urlencode, urlsplit

from sqlmodel import Session

from services.auth.apps import repository as apps

CHALLENGE = re.compile(r"^[A-Za-z0-9_\-]{43}$")  # base64url of a SHA-256, no padding
STATE = re.compile(r"^[\x20-\x7e]{1,500}$")
PARAMETERS = ("client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method")


@dataclass(frozen=True)
class AuthorizationRequest:
    """A checked authorization request."""

    client_id: str
    redirect_uri: str
    state: str
    code_challenge: str

    def hidden_fields(self) -> dict[str, str]:
        """The request, carried through the sign-in forms."""
        return {**asdict(self), "code_challenge_method": "S256"}

    def redirect_origin(self) -> str:
        """Scheme and host of the redirect URI (the pages' form-action must allow it)."""
        parts = urlsplit(self.redirect_uri)
        return f"{parts.scheme}://{parts.netloc}"


class RequestRefused(Exception):
    """An authorization request that cannot go on.

    With ``redirect`` the app is told (its redirect URI was checked); without it the
    browser sees an error page: never redirect to a URI the app did not register.
    """

    def __init__(self, error: str, description: str, redirect: str | None = None) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.redirect = redirect


def redirect_with(uri: str, parameters: Mapping[str, str]) -> str:
    """``uri`` with ``parameters`` added to its query."""
    return uri + ("&" if "?" in uri else "?") + urlencode(parameters)


def check_request(session: Session, parameters: Mapping[str, str]) -> AuthorizationRequest:
    """The request if the app, redirect URI, state and PKCE challenge are acceptable."""
    client_id = parameters.get("client_id", "")
    app = apps.get(session, client_id) if 0 < len(client_id) <= 64 else None
    if app is None or not app.enabled:
        raise RequestRefused("invalid_client", "Unknown app")
    redirect_uri = parameters.get("redirect_uri", "")
    if redirect_uri not in app.redirect_uris:
        raise RequestRefused("invalid_request", "The redirect URI is not one the app registered")
    state = parameters.get("state", "")
    if not STATE.match(state):
        raise RequestRefused("invalid_request", "state is required (printable, at most 500)")

    def refuse(error: str, description: str) -> RequestRefused:
        return RequestRefused(
            error,
            description,
            redirect_with(
                redirect_uri, {"error": error, "error_description": description, "state": state}
            ),
        )

    if parameters.get("response_type") != "code":
        raise refuse("unsupported_response_type", "Only response_type=code is supported")
    if parameters.get("code_challenge_method") != "S256":
        raise refuse("invalid_request", "code_challenge_method must be S256")
    challenge = parameters.get("code_challenge", "")
    if not CHALLENGE.match(challenge):
        raise refuse("invalid_request", "code_challenge must be a base64url SHA-256 (43 chars)")
    return AuthorizationRequest(client_id, redirect_uri, state, challenge)
