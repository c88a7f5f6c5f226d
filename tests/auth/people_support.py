"""Helpers for people tests: invite through the API, tokens signed by the service itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
from fastapi.testclient import TestClient

from services.auth.models import Person
from services.auth.signin.person_tokens import sign_person_token
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
    client: TestClient, auth_api: AuthApi, *, org: str, org_type: str, role: str, email: str
) -> Enrolled:
    """A person invited by the operator and enrolled."""
    auth_api.ensure_organisation(org_type, org)
    invited = invite(client, auth_api.admin_headers(), org=org, email=email, role=role)
    assert invited.status_code == 201, invited.text
    key, codes = enrol(client, invited.json()["enrolment_url"])
    return Enrolled(invited.json()["id"], email, PASSWORD, key, codes)


class HandClock:
    """A clock tests move by hand (installed as the auth app's ``state.clock``)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
