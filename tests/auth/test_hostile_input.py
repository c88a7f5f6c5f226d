"""Bad input is answered 4xx, never 500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient

from tests.support.auth_fixtures import AuthApi


def _cursor(values: list[object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "path",
    [
        "/auth/v1/clients/a%00b",
        "/auth/v1/organisations/S%00N",
        "/auth/v1/communities/EC%00WAS",
        "/auth/v1/clients/" + "x" * 300,
        "/auth/v1/audit?subject=a%00b",
        "/auth/v1/clients?organisation=S%00N",
        "/auth/v1/audit?cursor=" + _cursor(["not-a-number"]),
        "/auth/v1/audit?cursor=" + _cursor([10**30]),
        "/auth/v1/clients?cursor=" + _cursor([{"dt": "nonsense"}]),
        "/auth/v1/organisations?cursor=" + _cursor([12]),
        "/auth/v1/clients?cursor=" + _cursor(["a\x00b"]),
    ],
)
def test_hostile_reads_are_4xx(client: TestClient, auth_api: AuthApi, path: str) -> None:
    response = client.get(path, headers=auth_api.admin_headers())
    assert 400 <= response.status_code < 500, response.text


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/auth/v1/organisations", {"type": "operator", "code": "OPS", "name": "a\x00b"}),
        ("post", "/auth/v1/organisations", {"type": "member_state", "code": "S\x00N", "name": "x"}),
        (
            "post",
            "/auth/v1/clients",
            {"organisation": "OPERATOR", "name": "\x00", "scopes": ["admin"]},
        ),
        (
            "post",
            "/auth/v1/communities/ECOWAS/memberships",
            {"country": "S\x00N", "joined": "2020-01-01"},
        ),
        ("patch", "/auth/v1/communities/ECOWAS/memberships/99999999999999999999", {"left": None}),
        ("delete", "/auth/v1/communities/ECOWAS/memberships/-1", None),
        ("post", "/auth/v1/communities", {"code": "A\x00", "name": "x"}),
    ],
)
def test_hostile_writes_are_4xx(
    client: TestClient, auth_api: AuthApi, method: str, path: str, body: object
) -> None:
    response = client.request(method, path, json=body, headers=auth_api.admin_headers())
    assert 400 <= response.status_code < 500, response.text


@pytest.mark.parametrize(
    "form",
    [
        {"grant_type": "client_credentials", "client_id": "a\x00b", "client_secret": "x"},
        {"grant_type": "client_credentials", "client_id": "x" * 10_000, "client_secret": "x"},
        {"grant_type": "client_credentials", "client_id": "é", "client_secret": "x"},
        {"grant_type": "client_credentials", "client_id": "a", "client_secret": "x" * 10_000},
        {"grant_type": "x\x00", "client_id": "a", "client_secret": "x"},
        {
            "grant_type": "client_credentials",
            "client_id": "a",
            "client_secret": "b",
            "scope": "\x00",
        },
    ],
)
def test_hostile_token_requests_are_oauth_errors(
    client: TestClient, auth_api: AuthApi, form: dict[str, str]
) -> None:
    response = client.post("/auth/v1/token", data=form)
    assert response.status_code in (400, 401), response.text
    assert response.json()["error"]


def test_hostile_basic_credentials_are_invalid_client(
    client: TestClient, auth_api: AuthApi
) -> None:
    basic = base64.b64encode(b"a\x00b:secret").decode()
    response = client.post(
        "/auth/v1/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 401
