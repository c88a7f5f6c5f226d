"""POST /auth/v1/token and GET /auth/v1/jwks.json."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient
from jose import jwt

from tests.support.auth_fixtures import AuthApi

FORM = "/auth/v1/token"


def _form(client_id: str, secret: str, **extra: str) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": secret,
        **extra,
    }


def test_member_state_token_carries_the_contract_claims(
    client: TestClient, auth_api: AuthApi
) -> None:
    client_id, secret = auth_api.create_member_state("SEN")
    response = client.post(FORM, data=_form(client_id, secret))
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] <= 900
    assert body["scope"] == "manifests:write declarations:write register:read"
    assert response.headers["cache-control"] == "no-store"
    claims = jwt.get_unverified_claims(body["access_token"])
    assert set(claims) == {
        "iss",
        "aud",
        "sub",
        "org",
        "org_type",
        "country",
        "scope",
        "iat",
        "exp",
        "nbf",
        "jti",
    }
    assert claims["sub"] == client_id
    assert (claims["org"], claims["org_type"], claims["country"]) == ("SEN", "member_state", "SEN")
    assert claims["exp"] - claims["iat"] <= 900
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "ES256"
    kids = [k["kid"] for k in client.get("/auth/v1/jwks.json").json()["keys"]]
    assert header["kid"] in kids


def test_secretariat_token_carries_its_community(client: TestClient, auth_api: AuthApi) -> None:
    token = auth_api.token(*auth_api.create_secretariat("ECOWAS"))
    claims = jwt.get_unverified_claims(token)
    assert (claims["org_type"], claims["community"], claims["scope"]) == (
        "secretariat",
        "ECOWAS",
        "register:read",
    )
    assert "country" not in claims


def test_http_basic_works_like_the_form(client: TestClient, auth_api: AuthApi) -> None:
    client_id, secret = auth_api.create_member_state("GHA")
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    response = client.post(
        FORM,
        data={"grant_type": "client_credentials", "scope": "register:read"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200
    assert response.json()["scope"] == "register:read"


def test_token_verifies_at_another_service_over_http(
    client: TestClient, auth_api: AuthApi, register: object
) -> None:
    token = auth_api.token(*auth_api.create_member_state("NGA"))
    verifier = register.registry.state.verifier  # type: ignore[attr-defined]
    principal = client.portal.call(verifier.verify, token)  # type: ignore[union-attr]
    assert (principal.org, principal.country) == ("NGA", "NGA")
    assert principal.has_scope("manifests:write")


def test_jwks_needs_no_token_and_holds_only_public_ec_keys(
    client: TestClient, auth_api: AuthApi
) -> None:
    auth_api.admin_token()
    keys = client.get("/auth/v1/jwks.json").json()["keys"]
    assert keys
    for key in keys:
        assert (key["kty"], key["crv"], key["alg"]) == ("EC", "P-256", "ES256")
        assert "d" not in key
