"""``GET /auth/v1/people/directory``: who a service may email, for ``people:read`` only,
a scope the API never hands out (bootstrap and ``regctl`` make its clients)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from services.auth.bootstrap import ensure_registry_mail_client, registry_mail_credentials_path
from services.common.database import make_engine
from services.embedded import EmbeddedSettings
from tests.auth.people_support import invite
from tests.support.auth_fixtures import AuthApi

DIRECTORY = "/auth/v1/people/directory"


def test_a_people_read_client_lists_enabled_people_with_language_and_scopes(
    client: TestClient, auth_api: AuthApi
) -> None:
    for org, address in (("SEN", "a@sen.test"), ("GHA", "b@gha.test")):
        auth_api.ensure_organisation("member_state", org)
        created = invite(client, auth_api.admin_headers(), org=org, email=address, role="reader")
        assert created.status_code == 201, created.text
    reader = auth_api.operator_headers(("people:read",))

    everyone = client.get(DIRECTORY, headers=reader)
    senegal = client.get(DIRECTORY, params={"organisation": "SEN"}, headers=reader)

    assert everyone.status_code == 200, everyone.text
    assert {"a@sen.test", "b@gha.test"} <= {p["email"] for p in everyone.json()["items"]}
    [sen] = senegal.json()["items"]
    assert sen["language"] == "en"
    assert sen["role"] == "reader"
    assert sen["scopes"] == ["register:read"]
    assert sen["org_type"] == "member_state"


def test_without_people_read_the_directory_is_refused(
    client: TestClient, auth_api: AuthApi
) -> None:
    assert client.get(DIRECTORY, headers=auth_api.admin_headers()).status_code == 403
    sen = auth_api.member_state_headers("SEN")
    assert client.get(DIRECTORY, headers=sen).status_code == 403
    bad = client.get(DIRECTORY, params={"organisation": "no spaces"}, headers=sen)
    assert bad.status_code in (403, 422)


def test_the_api_never_grants_people_read(client: TestClient, auth_api: AuthApi) -> None:
    operator = client.get(
        "/auth/v1/clients/" + auth_api.operator.client_id, headers=auth_api.admin_headers()
    ).json()["organisation"]
    body = {"organisation": operator, "name": "sneaky", "scopes": ["people:read"]}
    refused = client.post("/auth/v1/clients", json=body, headers=auth_api.admin_headers())
    assert refused.status_code == 422, refused.text


def test_bootstrap_saves_the_registry_mail_client_once(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    engine = make_engine(register_settings.auth.resolved_database_url())
    try:
        first = ensure_registry_mail_client(settings=register_settings.auth, engine=engine)
        second = ensure_registry_mail_client(settings=register_settings.auth, engine=engine)
    finally:
        engine.dispose()
    path: Path = registry_mail_credentials_path(register_settings.auth)
    assert first is not None
    assert second is None
    assert path.stat().st_mode & 0o777 == 0o600
    token = auth_api.token(first.client_id, first.client_secret, "people:read")
    assert client.get(DIRECTORY, headers=auth_api.headers(token)).status_code == 200
