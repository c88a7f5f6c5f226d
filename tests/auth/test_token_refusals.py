"""Token requests that must be refused, in the OAuth2 error format, and the rate limit."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

TOKEN = "/auth/v1/token"


def _form(client_id: str, secret: str, **extra: str) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": secret,
        **extra,
    }


def _oauth_error(response: object, status: int, error: str) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["error"] == error
    assert body["error_description"]
    assert response.headers["cache-control"] == "no-store"  # type: ignore[attr-defined]


def test_wrong_secret_is_invalid_client(client: TestClient, auth_api: AuthApi) -> None:
    client_id, _ = auth_api.create_member_state("SEN")
    response = client.post(TOKEN, data=_form(client_id, "wrong"))
    _oauth_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"].startswith("Basic")


def test_unknown_client_is_invalid_client(client: TestClient, auth_api: AuthApi) -> None:
    _oauth_error(client.post(TOKEN, data=_form("nobody", "x")), 401, "invalid_client")


def test_missing_secret_is_invalid_client(client: TestClient, auth_api: AuthApi) -> None:
    client_id, _ = auth_api.create_member_state("SEN")
    response = client.post(TOKEN, data={"grant_type": "client_credentials", "client_id": client_id})
    _oauth_error(response, 401, "invalid_client")


def test_disabled_client_gets_no_token(client: TestClient, auth_api: AuthApi) -> None:
    client_id, secret = auth_api.create_member_state("SEN")
    assert client.post(TOKEN, data=_form(client_id, secret)).status_code == 200
    disabled = client.post(
        f"/auth/v1/clients/{client_id}/disable", headers=auth_api.admin_headers()
    )
    assert disabled.status_code == 200
    assert disabled.json()["enabled"] is False
    _oauth_error(client.post(TOKEN, data=_form(client_id, secret)), 401, "invalid_client")
    assert_status(
        client.post(f"/auth/v1/clients/{client_id}/enable", headers=auth_api.admin_headers()), 200
    )
    assert client.post(TOKEN, data=_form(client_id, secret)).status_code == 200


def test_scope_beyond_the_clients_is_invalid_scope(client: TestClient, auth_api: AuthApi) -> None:
    client_id, secret = auth_api.create_member_state("SEN", scopes=["register:read"])
    response = client.post(TOKEN, data=_form(client_id, secret, scope="register:read admin"))
    _oauth_error(response, 400, "invalid_scope")
    response = client.post(TOKEN, data=_form(client_id, secret, scope="manifests:write"))
    _oauth_error(response, 400, "invalid_scope")


def test_unknown_scope_is_invalid_scope(client: TestClient, auth_api: AuthApi) -> None:
    client_id, secret = auth_api.create_member_state("SEN")
    response = client.post(TOKEN, data=_form(client_id, secret, scope="register:write"))
    _oauth_error(response, 400, "invalid_scope")


def test_a_subset_of_scopes_can_be_requested(client: TestClient, auth_api: AuthApi) -> None:
    client_id, secret = auth_api.create_member_state("SEN")
    response = client.post(TOKEN, data=_form(client_id, secret, scope="register:read"))
    assert response.json()["scope"] == "register:read"


def test_other_grant_types_are_unsupported(client: TestClient, auth_api: AuthApi) -> None:
    client_id, secret = auth_api.create_member_state("SEN")
    response = client.post(TOKEN, data=_form(client_id, secret, grant_type="password"))
    _oauth_error(response, 400, "unsupported_grant_type")


def test_missing_grant_type_is_invalid_request(client: TestClient, auth_api: AuthApi) -> None:
    response = client.post(TOKEN, data={"client_id": "x", "client_secret": "y"})
    _oauth_error(response, 400, "invalid_request")


def test_json_body_is_invalid_request(client: TestClient, auth_api: AuthApi) -> None:
    client_id, secret = auth_api.create_member_state("SEN")
    response = client.post(TOKEN, json=_form(client_id, secret))
    _oauth_error(response, 400, "invalid_request")


def test_basic_and_form_secret_together_is_invalid_request(
    client: TestClient, auth_api: AuthApi
) -> None:
    client_id, secret = auth_api.create_member_state("SEN")
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    response = client.post(
        TOKEN, data=_form(client_id, secret), headers={"Authorization": f"Basic {basic}"}
    )
    _oauth_error(response, 400, "invalid_request")


@pytest.mark.parametrize(
    "header", ["Basic !!!", "Basic " + base64.b64encode(b"nocolon").decode(), "Bearer abc"]
)
def test_malformed_authorization_is_invalid_client(
    client: TestClient, auth_api: AuthApi, header: str
) -> None:
    response = client.post(
        TOKEN, data={"grant_type": "client_credentials"}, headers={"Authorization": header}
    )
    _oauth_error(response, 401, "invalid_client")


def _client_from(client: TestClient, address: str) -> TestClient:
    """Another HTTP client of the same running register, calling from ``address``."""
    other = TestClient(client.app, base_url=str(client.base_url), client=(address, 50000))
    other.portal = client.portal  # the running register's event loop, lifespan already run
    other.app_state.update(client.app_state)
    return other


def test_repeated_failures_for_a_client_id_from_an_address_get_429_with_retry_after(
    client: TestClient, auth_api: AuthApi, register_settings: object
) -> None:
    client_id, secret = auth_api.create_member_state("SEN")
    limit = register_settings.auth.token_failures_per_client  # type: ignore[attr-defined]
    for _ in range(limit):
        _oauth_error(client.post(TOKEN, data=_form(client_id, "guess")), 401, "invalid_client")
    response = client.post(TOKEN, data=_form(client_id, "guess"))
    _oauth_error(response, 429, "rate_limited")
    assert int(response.headers["retry-after"]) >= 1
    # From the address that failed, even the right secret waits: guessing must not
    # continue behind the limit.
    assert client.post(TOKEN, data=_form(client_id, secret)).status_code == 429


def test_failures_from_one_address_do_not_lock_the_client_out_elsewhere(
    client: TestClient, auth_api: AuthApi, register_settings: object
) -> None:
    client_id, secret = auth_api.create_member_state("SEN")
    limit = register_settings.auth.token_failures_per_client  # type: ignore[attr-defined]
    attacker = _client_from(client, "203.0.113.66")
    for _ in range(limit + 5):
        attacker.post(TOKEN, data=_form(client_id, "guess"))
    _oauth_error(attacker.post(TOKEN, data=_form(client_id, secret)), 429, "rate_limited")
    # The ministry, from its own address, still gets its token (client ids are not secret).
    ministry = _client_from(client, "198.51.100.10")
    response = ministry.post(TOKEN, data=_form(client_id, secret))
    assert response.status_code == 200, response.text
    assert response.json()["access_token"]


def test_repeated_failures_from_an_address_get_429(client: TestClient, auth_api: AuthApi) -> None:
    limiter = client.app.auth.state.token_limiter  # type: ignore[attr-defined]
    for n in range(limiter.limits["address"]):
        client.post(TOKEN, data=_form(f"guess-{n}", "x"))
    response = client.post(TOKEN, data=_form("yet-another", "x"))
    _oauth_error(response, 429, "rate_limited")
    assert "retry-after" in response.headers
