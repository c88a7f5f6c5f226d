"""Helpers for people tests: invite through the API, tokens signed by the service itself."""

from __future__ import annotations

from typing import Any

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
