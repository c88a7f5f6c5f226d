"""Helpers for people tests: invite through the API, tokens signed by the service itself."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import pyotp
from fastapi.testclient import TestClient

from services.auth.models import Person
from services.auth.tokens.person_tokens import sign_person_token
from services.common.database import make_engine, write_session
from services.common.tables import utcnow
from services.embedded import EmbeddedSettings
from tests.support.auth_fixtures import AuthApi


def invite(
    client: TestClient,
    headers: dict[str, str],
    *,
    org: str,
    email: str,
    role: str,
    name: str = "Awa Diop",
) -> Any:
    """``POST /auth/v1/people``; returns the response."""
    body = {"organisation": org, "email": email, "name": name, "role": role}
    return client.post("/auth/v1/people", json=body, headers=headers)


def direct_person_token(settings: EmbeddedSettings, person_id: str) -> str:
    """A person's access token signed by the auth service's own key (for admin tests that
    do not go through sign-in; the sign-in tests get theirs from the token endpoint)."""
    engine = make_engine(settings.auth.resolved_database_url())
    try:
        with write_session(engine) as session:
            person = session.get(Person, person_id)
            assert person is not None
            token = sign_person_token(
                session=session, settings=settings.auth, person=person, now=utcnow()
            )
            session.commit()
    finally:
        engine.dispose()
    return token.access_token


def org_admin_headers(
    client: TestClient, auth_api: AuthApi, settings: EmbeddedSettings, org_type: str, code: str
) -> dict[str, str]:
    """Bearer headers of a new ``admin`` person of ``code`` (invited by the operator)."""
    auth_api.ensure_organisation(org_type, code)
    response = invite(
        client, auth_api.admin_headers(), org=code, email=f"admin@{code.lower()}.test", role="admin"
    )
    assert response.status_code == 201, response.text
    return auth_api.headers(direct_person_token(settings, response.json()["id"]))


PASSWORD = "plum orchard lantern 47"


def page_value(html: str, pattern: str) -> str:
    """The first group of ``pattern`` in a page (fails the test when absent)."""
    found = re.search(pattern, html)
    assert found is not None, f"{pattern!r} not in the page"
    return found.group(1)


def csrf_of(html: str) -> str:
    """The CSRF token a page's form carries."""
    return page_value(html, r'name="csrf_token" value="([^"]+)"')


def key_of(html: str) -> str:
    """The authenticator key an enrolment page shows as text."""
    return page_value(html, r'<code class="key">([A-Z2-7 ]+)</code>').replace(" ", "")


def path_of(url: str) -> str:
    """``/auth/enrol/...`` of an absolute enrolment URL."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@dataclass
class Enrolled:
    """What a person holds after enrolment."""

    person_id: str
    email: str
    password: str
    totp_key: str
    recovery_codes: list[str]


def enrol(
    client: TestClient, enrolment_url: str, *, password: str = PASSWORD, at: datetime | None = None
) -> tuple[str, list[str]]:
    """Complete an enrolment (code computed by pyotp); returns the key and recovery codes."""
    page = client.get(path_of(enrolment_url))
    assert page.status_code == 200, page.text
    key = key_of(page.text)
    code = pyotp.TOTP(key).at(at or datetime.now(UTC))
    form = {
        "csrf_token": csrf_of(page.text),
        "password": password,
        "password_confirm": password,
        "code": code,
    }
    done = client.post(path_of(enrolment_url), data=form)
    assert done.status_code == 200, done.text
    codes = re.findall(r"<li><code>([a-z2-7-]+)</code></li>", done.text)
    assert len(codes) == 10
    return key, codes


def invite_and_enrol(
    client: TestClient,
    auth_api: AuthApi,
    *,
    org: str,
    org_type: str,
    role: str,
    email: str,
    at: datetime | None = None,
) -> Enrolled:
    """A person invited by the operator and enrolled (the code computed for ``at``)."""
    auth_api.ensure_organisation(org_type, org)
    invited = invite(client, auth_api.admin_headers(), org=org, email=email, role=role)
    assert invited.status_code == 201, invited.text
    key, codes = enrol(client, invited.json()["enrolment_url"], at=at)
    return Enrolled(invited.json()["id"], email, PASSWORD, key, codes)


class HandClock:
    """A clock tests move by hand (installed as the auth app's ``state.clock``)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


REDIRECT = "https://console.example.org/callback"
VERIFIER = "verifier-" + "k" * 50


def s256(verifier: str) -> str:
    """The PKCE S256 challenge."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def create_app(client: TestClient, auth_api: AuthApi, *, public: bool = True) -> dict[str, Any]:
    """A browser app registered by the operator."""
    body = {"name": "Console", "redirect_uris": [REDIRECT], "public": public}
    response = client.post("/auth/v1/apps", json=body, headers=auth_api.admin_headers())
    assert response.status_code == 201, response.text
    return dict(response.json())


def authorize_query(app_id: str, **overrides: str | None) -> dict[str, str]:
    """An authorization request's parameters (None removes one)."""
    query: dict[str, str | None] = {
        "response_type": "code",
        "client_id": app_id,
        "redirect_uri": REDIRECT,
        "state": "st-123",
        "code_challenge": s256(VERIFIER),
        "code_challenge_method": "S256",
        **overrides,
    }
    return {k: v for k, v in query.items() if v is not None}


def hidden_fields(html: str) -> dict[str, str]:
    """Every hidden input of a page's form."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


def password_step(client: TestClient, app_id: str, email: str, password: str) -> Any:
    """GET the sign-in page and post email and password; returns the response."""
    page = client.get("/auth/authorize", params=authorize_query(app_id))
    assert page.status_code == 200, page.text
    form = {**hidden_fields(html.unescape(page.text)), "email": email, "password": password}
    return client.post("/auth/authorize", data=form)


def code_step(client: TestClient, page_html: str, *, code: str = "", recovery: str = "") -> Any:
    """Post the second page (authenticator or recovery code); redirects are not followed."""
    form = {**hidden_fields(html.unescape(page_html)), "code": code, "recovery_code": recovery}
    return client.post("/auth/authorize/verify", data=form, follow_redirects=False)


def sign_in_code(client: TestClient, app_id: str, person: Enrolled, at: datetime) -> str:
    """The authorization code a person's full sign-in hands to the app."""
    second = password_step(client, app_id, person.email, person.password)
    assert second.status_code == 200, second.text
    done = code_step(client, second.text, code=pyotp.TOTP(person.totp_key).at(at))
    assert done.status_code == 303, done.text
    location = done.headers["location"]
    assert location.startswith(REDIRECT + "?")
    query = dict(parse_qsl(location.split("?", 1)[1]))
    assert query["state"] == "st-123"
    return query["code"]


def exchange(
    client: TestClient, app_id: str, code: str, *, verifier: str = VERIFIER, **extra: str
) -> Any:
    """``POST /auth/v1/token`` with ``grant_type=authorization_code``."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": app_id,
        "code_verifier": verifier,
        **extra,
    }
    return client.post("/auth/v1/token", data=form)


def refresh(client: TestClient, app_id: str, refresh_token: str) -> Any:
    """``POST /auth/v1/token`` with ``grant_type=refresh_token``."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": app_id}
    return client.post("/auth/v1/token", data=form)
