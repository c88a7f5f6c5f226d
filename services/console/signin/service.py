"""Signing people in through auth's authorization code flow with PKCE (S256)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from jose import jwt

from services.console.session import Session
from services.console.settings import ConsoleSettings


@dataclass(frozen=True)
class AppCredentials:
    """The console's client id and secret as a confidential browser app."""

    client_id: str
    client_secret: str


class NotRegistered(Exception):
    """The console has no client id and secret yet."""


def load_credentials(settings: ConsoleSettings) -> AppCredentials:
    """From ``CONSOLE_CLIENT_ID``/``CONSOLE_CLIENT_SECRET``, else the app file."""
    if settings.client_id and settings.client_secret:
        return AppCredentials(settings.client_id, settings.client_secret)
    path = settings.resolved_app_file()
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        return AppCredentials(str(saved["client_id"]), str(saved["client_secret"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise NotRegistered(str(path)) from error


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of ``verifier``."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@dataclass(frozen=True)
class SignInStart:
    """Where to send the browser, and what to remember until the callback."""

    authorize_url: str
    remembered: dict[str, Any]


def start_signin(
    *, settings: ConsoleSettings, credentials: AppCredentials, next_path: str, lang: str
) -> SignInStart:
    """A new authorization request (fresh state and PKCE verifier)."""
    verifier = secrets.token_urlsafe(48)
    state = secrets.token_urlsafe(24)
    query = {
        "response_type": "code",
        "client_id": credentials.client_id,
        "redirect_uri": settings.redirect_uri(),
        "state": state,
        "code_challenge": s256(verifier),
        "code_challenge_method": "S256",
        "lang": lang,
    }
    url = f"{settings.resolved_public_url()}/auth/authorize?{urlencode(query)}"
    return SignInStart(url, {"state": state, "verifier": verifier, "next": safe_next(next_path)})


def safe_next(next_path: str | None) -> str:
    """A console path to return to; anything else (another site, ``//host``) is home."""
    if next_path and next_path.startswith("/console/") and not next_path.startswith("//"):
        return next_path
    return "/console/"


def session_from_tokens(
    tokens: dict[str, Any], *, csrf: str | None = None, signed_in_at: float | None = None
) -> Session:
    """A session from a token response; the claims say what the person can do (the APIs
    verify the token on every call: the console only shapes its menus with them)."""
    access = str(tokens["access_token"])
    claims = jwt.get_unverified_claims(access)
    session = Session(
        access_token=access,
        refresh_token=tokens.get("refresh_token"),
        expires_at=time.time() + float(tokens.get("expires_in", 300)),
        scopes=str(tokens.get("scope") or claims.get("scope", "")).split(),
        organisation=str(claims.get("org", "")),
        org_type=str(claims.get("org_type", "")),
        country=claims.get("country"),
        person=str(claims.get("sub", "")),
        role=str(claims.get("role", "")),
    )
    if csrf is not None:
        session.csrf = csrf
    if signed_in_at is not None:
        session.signed_in_at = signed_in_at
    return session
