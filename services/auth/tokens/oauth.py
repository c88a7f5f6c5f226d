"""The OAuth2 side of the token endpoint: reading a client-credentials request
(form body or HTTP Basic, RFC 6749 sections 2.3.1 and 4.4) and its error format
(section 5.2), which this one endpoint uses instead of problem documents."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import unquote_plus

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from services.auth.responses import NO_STORE
from services.common.errors import BodyRefused

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MAX_CLIENT_ID = 64
MAX_SECRET = 256
MAX_SCOPE = 255


class OAuthError(Exception):
    """A refused token request: ``error`` is the RFC 6749 code."""

    def __init__(
        self,
        error: str,
        description: str,
        *,
        status: int = 400,
        headers: dict[str, str] | None = None,
        client_id: str | None = None,
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.headers = headers or {}
        self.client_id = client_id


def invalid_client(description: str, client_id: str | None = None) -> OAuthError:
    """401 ``invalid_client``, with the challenge for HTTP Basic."""
    return OAuthError(
        "invalid_client",
        description,
        status=401,
        headers={"WWW-Authenticate": 'Basic realm="salw-register", charset="UTF-8"'},
        client_id=client_id,
    )


def error_response(error: OAuthError) -> JSONResponse:
    """The RFC 6749 error body: ``{"error", "error_description"}``."""
    return JSONResponse(
        {"error": error.error, "error_description": error.description},
        status_code=error.status,
        headers={**NO_STORE, **error.headers},
    )


@dataclass(frozen=True)
class TokenRequest:
    """A parsed client-credentials request."""

    client_id: str
    client_secret: str = field(repr=False)
    scope: str | None


PERSON_GRANTS = ("authorization_code", "refresh_token")


@dataclass(frozen=True)
class PersonGrantRequest:
    """A browser app's request (``authorization_code`` or ``refresh_token``): the app
    authenticates with its secret, or not at all when it is public."""

    grant_type: str
    client_id: str
    client_secret: str | None = field(repr=False)
    fields: dict[str, str] = field(repr=False)


def _basic_credentials(header: str) -> tuple[str, str]:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        raise invalid_client(
            "Authenticate with HTTP Basic or client_id and client_secret in the form"
        )
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise invalid_client("The Basic credentials are not valid base64 of UTF-8 text") from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise invalid_client("The Basic credentials must be client_id:client_secret")
    return unquote_plus(client_id), unquote_plus(secret)


async def form_fields(request: Request) -> dict[str, str]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in FORM_TYPES:
        raise OAuthError("invalid_request", "Send the request as application/x-www-form-urlencoded")
    try:
        form = await request.form()
    except BodyRefused:
        raise  # too large or too slow: the body limits answer it (413, 408)
    except Exception:  # a malformed body is the client's error, never a 500
        raise OAuthError("invalid_request", "The form body could not be read") from None
    fields: dict[str, str] = {}
    for name in set(form.keys()):
        values = form.getlist(name)
        if len(values) > 1:
            raise OAuthError("invalid_request", f"The parameter {name!r} is repeated")
        if not isinstance(values[0], str):
            raise OAuthError("invalid_request", f"The parameter {name!r} must be text")
        fields[name] = values[0]
    return fields


def _printable(value: str | None, max_length: int = MAX_CLIENT_ID) -> str | None:
    """``value`` when it is printable ASCII of a sane length (safe to store), else None."""
    if value is None or not 0 < len(value) <= max_length:
        return None
    return value if all(" " <= c <= "~" for c in value) else None


def app_credentials(
    grant_type: str,
    client_id: str | None,
    secret: str | None,
    header: str | None,
    fields: dict[str, str],
) -> PersonGrantRequest:
    """A browser app's request and how it authenticates (form, HTTP Basic, or not at all
    for a public app); also read by the revocation endpoint."""
    if header:
        if secret is not None:
            raise OAuthError(
                "invalid_request", "Authenticate in one way: HTTP Basic or the form, not both"
            )
        basic_id, secret = _basic_credentials(header)
        if _printable(basic_id) is None or (client_id is not None and client_id != basic_id):
            raise invalid_client("Unknown client or wrong secret")
        client_id = basic_id
    if not client_id:
        raise invalid_client("client_id is required")
    if secret is not None and len(secret) > MAX_SECRET:
        raise invalid_client("Unknown client or wrong secret", client_id=client_id)
    return PersonGrantRequest(grant_type, client_id, secret or None, fields)


async def read_token_request(request: Request) -> TokenRequest | PersonGrantRequest:
    """Parse the request, or raise :class:`OAuthError`."""
    fields = await form_fields(request)
    client_id = _printable(fields.get("client_id"))
    if fields.get("client_id") and client_id is None:
        raise invalid_client("Unknown client or wrong secret")
    grant_type = fields.get("grant_type")
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is required", client_id=client_id)
    if grant_type not in ("client_credentials", *PERSON_GRANTS):
        raise OAuthError(
            "unsupported_grant_type",
            "grant_type is client_credentials, authorization_code or refresh_token",
            client_id=client_id,
        )
    secret = fields.get("client_secret")
    header = request.headers.get("authorization")
    if grant_type in PERSON_GRANTS:
        return app_credentials(grant_type, client_id, secret, header, fields)
    if header:
        if secret is not None:
            raise OAuthError(
                "invalid_request", "Authenticate in one way: HTTP Basic or the form, not both"
            )
        basic_id, secret = _basic_credentials(header)
        if _printable(basic_id) is None:
            raise invalid_client("Unknown client or wrong secret")
        if client_id is not None and client_id != basic_id:
            raise invalid_client("client_id in the form differs from the Basic credentials")
        client_id = basic_id
    if not client_id or not secret:
        raise invalid_client("Client authentication is required", client_id=client_id)
    if len(secret) > MAX_SECRET:
        raise invalid_client("Unknown client or wrong secret", client_id=client_id)
    scope = fields.get("scope")
    if scope and _printable(scope, MAX_SCOPE) is None:
        raise OAuthError(
            "invalid_scope", "The scope parameter is too long or not text", client_id=client_id
        )
    return TokenRequest(client_id=client_id, client_secret=secret, scope=scope or None)


async def token_request_or_refusal(
    request: Request,
) -> TokenRequest | PersonGrantRequest | OAuthError:
    """Dependency: the parsed request, or the refusal to answer (returned, not raised, so
    the route can record it). Async because reading a form is; the route itself is not."""
    try:
        return await read_token_request(request)
    except OAuthError as error:
        return error


TokenRequestDep = Annotated[
    TokenRequest | PersonGrantRequest | OAuthError, Depends(token_request_or_refusal)
]
