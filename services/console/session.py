"""The signed-in person's session, sealed into a cookie (encrypted and authenticated).

The cookie holds the person's access and refresh tokens, sealed with Fernet
(AES-128-CBC and HMAC-SHA256) under the console's key: the browser keeps it but
cannot read or change it, and it is ``HttpOnly`` so no script can either. It is
``Secure`` (and named ``__Host-console``) over HTTPS; over plain HTTP on a
developer's loopback it is plain ``console``, as auth's CSRF cookie is.

Each session carries its own CSRF token: every form posts it back and it is
compared with the sealed one (a cross-site page can neither read nor set it).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from fastapi import Request
from starlette.responses import Response

SESSION_COOKIE = "__Host-console"
SESSION_COOKIE_PLAIN_HTTP = "console"
SIGNIN_COOKIE = "__Host-console-signin"
SIGNIN_COOKIE_PLAIN_HTTP = "console-signin"
SIGNIN_SECONDS = 600


@dataclass
class Session:
    """What the console remembers of a signed-in person (sealed in their cookie)."""

    access_token: str
    refresh_token: str | None
    expires_at: float
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    signed_in_at: float = field(default_factory=time.time)
    scopes: list[str] = field(default_factory=list)
    organisation: str = ""
    org_type: str = ""
    country: str | None = None
    person: str = ""
    role: str = ""

    @property
    def administers(self) -> bool:
        """True for an organisation's admin or the operator (auth checks it again)."""
        return self.role == "admin" or (self.org_type == "operator" and self.can("admin"))

    def can(self, scope: str) -> bool:
        """True when the person's token carries ``scope``."""
        return scope in self.scopes


def load_or_create_key(path: Path) -> bytes:
    """The sealing key (32 random bytes), created 0600 when missing."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_bytes()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


class Sealer:
    """Seals and opens the console's cookies."""

    def __init__(self, key: bytes, *, max_age_seconds: int) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(key[:32]))
        self.max_age_seconds = max_age_seconds

    def seal(self, payload: dict[str, Any]) -> str:
        """``payload`` encrypted and authenticated."""
        return self._fernet.encrypt(json.dumps(payload, separators=(",", ":")).encode()).decode()

    def open(self, value: str | None, *, max_age: int | None = None) -> dict[str, Any] | None:
        """The payload when the seal is intact and not older than ``max_age``, else None."""
        if not value or len(value) > 8192:
            return None
        try:
            raw = self._fernet.decrypt(value.encode(), ttl=max_age or self.max_age_seconds)
            payload = json.loads(raw)
        except (InvalidToken, ValueError):
            return None
        return payload if isinstance(payload, dict) else None

    def open_session(self, request: Request) -> Session | None:
        """The request's session, or None (absent, tampered with or too old)."""
        payload = self.open(request.cookies.get(session_cookie_name(request)))
        if payload is None:
            return None
        try:
            return Session(**payload)
        except TypeError:
            return None

    def store_session(self, request: Request, response: Response, session: Session) -> None:
        """Set the session cookie on ``response``."""
        set_cookie(request, response, session_cookie_name(request), self.seal(asdict(session)))


def secure(request: Request) -> bool:
    """True over HTTPS: cookies are then ``Secure`` and ``__Host-`` prefixed."""
    return request.url.scheme == "https"


def session_cookie_name(request: Request) -> str:
    """``__Host-console`` over HTTPS, ``console`` over plain HTTP."""
    return SESSION_COOKIE if secure(request) else SESSION_COOKIE_PLAIN_HTTP


def signin_cookie_name(request: Request) -> str:
    """The cookie keeping a sign-in's PKCE verifier and state until the callback."""
    return SIGNIN_COOKIE if secure(request) else SIGNIN_COOKIE_PLAIN_HTTP


def set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int | None = None
) -> None:
    """An ``HttpOnly``, ``SameSite=Lax`` cookie for the whole origin (``Secure`` on HTTPS)."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure(request),
    )


def clear_cookie(request: Request, response: Response, name: str) -> None:
    """Remove a cookie set by :func:`set_cookie`."""
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=secure(request))
