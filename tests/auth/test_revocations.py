"""GET /auth/v1/revocations.json: subjects whose earlier tokens no longer count."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from fastapi.testclient import TestClient
from jose import jwt
from sqlmodel import Session

from services.auth.revocations import service
from services.auth.settings import AuthSettings
from services.common.database import make_engine
from services.common.tables import utcnow
from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.support.auth_fixtures import AuthApi

REVOCATIONS = "/auth/v1/revocations.json"


def _digest(subject: str) -> str:
    return hashlib.sha256(subject.encode()).hexdigest()


def test_a_disabled_client_is_listed_by_digest_with_the_time_its_tokens_end(
    client: TestClient, auth_api: AuthApi
) -> None:
    client_id, secret = auth_api.create_member_state("SEN")
    other_id, _ = auth_api.create_member_state("GHA")
    token = auth_api.token(client_id, secret)
    issued_at = jwt.get_unverified_claims(token)["iat"]
    assert client.get(REVOCATIONS).json()["revoked"] == []

    disabled = client.post(
        f"/auth/v1/clients/{client_id}/disable", headers=auth_api.admin_headers()
    )
    assert disabled.status_code == 200, disabled.text

    document = client.get(REVOCATIONS)
    assert document.status_code == 200
    assert document.headers["cache-control"] == "public, max-age=15"
    revoked = document.json()["revoked"]
    assert [entry["subject_sha256"] for entry in revoked] == [_digest(client_id)]
    assert revoked[0]["issued_before"] >= issued_at
    assert client_id not in document.text
    assert _digest(other_id) not in document.text
    assert document.json()["refresh_seconds"] == 30


def test_the_list_needs_no_token_and_forgets_events_older_than_a_token_can_live(
    client: TestClient, auth_api: AuthApi, register_settings: object
) -> None:

    client_id, _ = auth_api.create_member_state("SEN")
    client.post(f"/auth/v1/clients/{client_id}/disable", headers=auth_api.admin_headers())
    settings: AuthSettings = register_settings.auth  # type: ignore[attr-defined]
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            now = utcnow()
            listed = service.revocation_list(session=session, settings=settings, now=now)
            later = now + timedelta(seconds=settings.token_lifetime_seconds + 1)
            expired = service.revocation_list(session=session, settings=settings, now=later)
    finally:
        engine.dispose()
    assert [e["subject_sha256"] for e in listed["revoked"]] == [_digest(client_id)]
    assert expired["revoked"] == []


def test_a_disabled_clients_token_stops_writing_at_the_next_refresh(
    client: TestClient, auth_api: AuthApi
) -> None:
    """Before: a disabled client's token kept writing for up to 900 s."""
    client_id, secret = auth_api.create_member_state("SEN")
    headers = auth_api.headers(auth_api.token(client_id, secret))
    first = client.post(MANIFESTS, json=manifest(items=[weapon("KC-1")]), headers=headers)
    assert first.status_code == 201, first.text
    disabled = client.post(
        f"/auth/v1/clients/{client_id}/disable", headers=auth_api.admin_headers()
    )
    assert disabled.status_code == 200, disabled.text
    registry = client.app.registry  # type: ignore[attr-defined]
    # The real list, fetched now rather than within the next 30 s.
    registry.state.verifier.revocations.refresh_seconds = 0
    second = client.post(MANIFESTS, json=manifest(items=[weapon("KC-2")]), headers=headers)
    assert second.status_code == 401, second.text
    assert "revoked" in second.json()["detail"]
