"""API clients: secret shown once and stored hashed, rotation, enabling, scope rules."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from services.embedded import EmbeddedSettings
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

TOKEN = "/auth/v1/token"


def _token_status(client: TestClient, client_id: str, secret: str) -> int:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return client.post(TOKEN, data=form).status_code


def test_secret_is_shown_once_and_stored_as_argon2id(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    auth_api.ensure_organisation("member_state", "SEN")
    body = {"organisation": "SEN", "name": "G3", "scopes": ["register:read"]}
    response = client.post("/auth/v1/clients", json=body, headers=auth_api.admin_headers())
    assert response.status_code == 201
    created = response.json()
    assert created["client_secret"]
    shown = client.get(f"/auth/v1/clients/{created['client_id']}", headers=auth_api.admin_headers())
    assert "client_secret" not in shown.json()
    engine = create_engine(register_settings.auth.resolved_database_url())
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT secret_hash FROM api_clients WHERE client_id = :c"),
            {"c": created["client_id"]},
        ).scalar_one()
    engine.dispose()
    assert stored.startswith("$argon2id$")
    assert created["client_secret"] not in stored


def test_idempotent_replay_never_repeats_the_secret(client: TestClient, auth_api: AuthApi) -> None:
    auth_api.ensure_organisation("member_state", "SEN")
    body = {"organisation": "SEN", "name": "G3", "scopes": ["register:read"]}
    headers = {**auth_api.admin_headers(), "Idempotency-Key": "client-1"}
    first = client.post("/auth/v1/clients", json=body, headers=headers)
    again = client.post("/auth/v1/clients", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["client_id"] == first.json()["client_id"]
    assert first.json()["client_secret"]
    assert again.json()["client_secret"] is None


def test_a_secret_lost_with_the_first_response_is_recovered_by_rotation(
    client: TestClient, auth_api: AuthApi
) -> None:
    auth_api.ensure_organisation("member_state", "SEN")
    body = {"organisation": "SEN", "name": "G3", "scopes": ["register:read"]}
    headers = {**auth_api.admin_headers(), "Idempotency-Key": "client-lost"}
    # Its answer never arrived.
    assert_status(client.post("/auth/v1/clients", json=body, headers=headers))
    replayed = assert_status(client.post("/auth/v1/clients", json=body, headers=headers))
    assert replayed["client_secret"] is None
    rotated = client.post(
        f"/auth/v1/clients/{replayed['client_id']}/secret", headers=auth_api.admin_headers()
    )
    assert rotated.status_code == 200
    assert auth_api.token(replayed["client_id"], rotated.json()["client_secret"])


def test_the_create_operation_documents_replays_without_the_secret(client: TestClient) -> None:
    operation = client.get("/auth/openapi.json").json()["paths"]["/auth/v1/clients"]["post"]
    description = operation["description"]
    assert "Idempotency-Key" in description
    assert "without its secret" in description
    assert "POST /auth/v1/clients/{client_id}/secret" in description


def test_rotated_secret_replaces_the_old_one(client: TestClient, auth_api: AuthApi) -> None:
    client_id, old = auth_api.create_member_state("SEN")
    rotated = client.post(f"/auth/v1/clients/{client_id}/secret", headers=auth_api.admin_headers())
    assert rotated.status_code == 200
    new = rotated.json()["client_secret"]
    assert _token_status(client, client_id, old) == 401
    assert _token_status(client, client_id, new) == 200


def test_member_state_cannot_hold_admin(client: TestClient, auth_api: AuthApi) -> None:
    auth_api.ensure_organisation("member_state", "SEN")
    body = {"organisation": "SEN", "name": "x", "scopes": ["register:read", "admin"]}
    response = client.post("/auth/v1/clients", json=body, headers=auth_api.admin_headers())
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "scopes[1]"


def test_secretariat_cannot_hold_write_scopes(client: TestClient, auth_api: AuthApi) -> None:
    auth_api.ensure_organisation("secretariat", "ECOWAS")
    body = {"organisation": "ECOWAS", "name": "x", "scopes": ["manifests:write"]}
    response = client.post("/auth/v1/clients", json=body, headers=auth_api.admin_headers())
    assert response.status_code == 422


def test_unknown_scope_or_organisation_is_422(client: TestClient, auth_api: AuthApi) -> None:
    headers = auth_api.admin_headers()
    bad_scope = {"organisation": "OPERATOR", "name": "x", "scopes": ["root"]}
    refused = client.post("/auth/v1/clients", json=bad_scope, headers=headers)
    assert refused.status_code == 422
    assert [e["loc"] for e in refused.json()["errors"]] == ["scopes[0]"]
    no_org = {"organisation": "CIV", "name": "x", "scopes": ["register:read"]}
    refused = client.post("/auth/v1/clients", json=no_org, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"loc": "organisation", "msg": "no organisation CIV"}]


def test_only_admin_manages_clients(client: TestClient, auth_api: AuthApi) -> None:
    headers = auth_api.member_state_headers("SEN")
    body = {"organisation": "SEN", "name": "x", "scopes": ["register:read"]}
    response = client.post("/auth/v1/clients", json=body, headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert client.get("/auth/v1/clients", headers=headers).status_code == 403


def test_a_client_cannot_disable_itself(client: TestClient, auth_api: AuthApi) -> None:
    own = auth_api.operator.client_id
    response = client.post(f"/auth/v1/clients/{own}/disable", headers=auth_api.admin_headers())
    assert response.status_code == 409


def test_clients_list_pages_with_a_cursor(client: TestClient, auth_api: AuthApi) -> None:
    for code in ("SEN", "CIV", "GHA"):
        auth_api.create_member_state(code)
    headers = auth_api.admin_headers()
    first = client.get("/auth/v1/clients?limit=2", headers=headers).json()
    assert len(first["items"]) == 2
    rest = client.get(f"/auth/v1/clients?limit=2&cursor={first['next_cursor']}", headers=headers)
    ids = [c["client_id"] for c in first["items"] + rest.json()["items"]]
    assert len(ids) == len(set(ids)) == 4  # three ministries and the operator
    assert client.get("/auth/v1/clients?cursor=bogus", headers=headers).status_code == 400


def test_unknown_client_is_404(client: TestClient, auth_api: AuthApi) -> None:
    headers = auth_api.admin_headers()
    assert client.get("/auth/v1/clients/nope", headers=headers).status_code == 404
    assert client.post("/auth/v1/clients/nope/disable", headers=headers).status_code == 404
