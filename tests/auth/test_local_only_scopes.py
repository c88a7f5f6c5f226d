"""``index:write`` clients are made, and their secrets rotated, only on the server.

Issue 12, item 8: the operator's admin token (or whoever steals it) could make an
``index:write`` client over the API and feed the registry's index. Bootstrap and
``regctl`` still make one; the API refuses.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from services.cli.main import main as regctl
from services.embedded import EmbeddedSettings
from tests.support.auth_fixtures import AuthApi

CLIENTS = "/auth/v1/clients"


def operator_code(client: TestClient, auth_api: AuthApi) -> str:
    response = client.get(
        f"{CLIENTS}/{auth_api.operator.client_id}", headers=auth_api.admin_headers()
    )
    assert response.status_code == 200, response.text
    return str(response.json()["organisation"])


def test_the_api_refuses_to_make_an_index_write_client(
    client: TestClient, auth_api: AuthApi
) -> None:
    body = {
        "organisation": operator_code(client, auth_api),
        "name": "feeder",
        "scopes": ["register:read", "index:write"],
    }
    refused = client.post(CLIENTS, json=body, headers=auth_api.admin_headers())
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "local_only_scope"
    assert [(e["loc"], e["type"]) for e in refused.json()["errors"]] == [
        ("scopes[1]", "local_only_scope")
    ]
    listed = client.get(CLIENTS, headers=auth_api.admin_headers()).json()["items"]
    assert [c for c in listed if "index:write" in c["scopes"]] == []


def test_regctl_makes_an_index_write_client_whose_secret_the_api_cannot_rotate(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = operator_code(client, auth_api)
    monkeypatch.setenv("AUTH_DATABASE_URL", register_settings.auth.resolved_database_url())
    monkeypatch.setenv("AUTH_VAR_DIR", str(register_settings.auth.var_dir))
    capsys.readouterr()
    assert regctl(["client", "create", "--org", code, "--scope", "index:write", "--json"]) == 0
    created = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    form = {"grant_type": "client_credentials", **created}
    granted = client.post("/auth/v1/token", data=form)
    assert granted.status_code == 200, granted.text
    assert granted.json()["scope"] == "index:write"

    rotated = client.post(
        f"{CLIENTS}/{created['client_id']}/secret", headers=auth_api.admin_headers()
    )
    assert rotated.status_code == 403, rotated.text
    assert rotated.json()["code"] == "local_only_scope"
    assert client.post("/auth/v1/token", data=form).status_code == 200  # secret unchanged

    assert regctl(["client", "rotate-secret", created["client_id"]]) == 0
    assert client.post("/auth/v1/token", data=form).status_code == 401
