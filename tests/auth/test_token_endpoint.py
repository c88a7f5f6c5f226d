"""POST /auth/v1/token and GET /auth/v1/jwks.json."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jose import jwt
from sqlalchemy import Engine, event

from services.auth.clients import secrets
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
        "register:read alerts:triage",  # the scopes its client was made with
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


def _on_the_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_secret_checks_and_queries_run_off_the_event_loop(
    client: TestClient, auth_api: AuthApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """argon2 and the database block: on the event loop they would stall every service."""
    client_id, secret = auth_api.create_member_state("SEN")
    verified_on_loop: list[bool] = []
    queried_on_loop: list[bool] = []
    real_verify = secrets.verify_secret

    def verify_secret(*args: Any, **kwargs: Any) -> bool:
        verified_on_loop.append(_on_the_event_loop())
        return real_verify(*args, **kwargs)

    def before_cursor_execute(*_args: Any) -> None:
        queried_on_loop.append(_on_the_event_loop())

    monkeypatch.setattr(secrets, "verify_secret", verify_secret)
    engine: Engine = client.app.auth.state.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        assert client.post(FORM, data=_form(client_id, secret)).status_code == 200
        assert client.post(FORM, data=_form(client_id, "wrong")).status_code == 401
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        response = client.post(
            FORM,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        )
        assert response.status_code == 200, response.text
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
    assert verified_on_loop == [False, False, False]
    assert queried_on_loop
    assert not any(queried_on_loop)
