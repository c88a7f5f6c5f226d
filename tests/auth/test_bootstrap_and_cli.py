"""First start and the regctl commands a newcomer uses."""

from __future__ import annotations

import json
import stat

import pytest
from fastapi.testclient import TestClient

from services.auth.bootstrap import bootstrap_on_first_start
from services.cli.main import main as regctl
from services.embedded import EmbeddedSettings


def test_first_start_writes_and_prints_credentials_once(
    register_settings: EmbeddedSettings, client: TestClient
) -> None:
    printed: list[str] = []
    credentials = bootstrap_on_first_start(register_settings.auth, out=printed.append)
    assert credentials is not None
    path = register_settings.auth.var_dir / "credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
    }
    assert credentials.client_secret in printed[0]

    later: list[str] = []
    assert bootstrap_on_first_start(register_settings.auth, out=later.append) is None
    assert credentials.client_secret not in "".join(later)

    form = {"grant_type": "client_credentials", "scope": "admin"}
    response = client.post("/auth/v1/token", data=form, auth=tuple(credentials))
    assert response.status_code == 200


def test_ministry_and_secretariat_clients_in_two_commands_each(
    register_settings: EmbeddedSettings,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AUTH_DATABASE_URL", register_settings.auth.resolved_database_url())
    monkeypatch.setenv("AUTH_VAR_DIR", str(register_settings.auth.var_dir))
    assert regctl(["org", "create", "--type", "member_state", "--code", "SEN"]) == 0
    assert (
        regctl(
            [
                "client",
                "create",
                "--org",
                "SEN",
                "--scope",
                "manifests:write",
                "--scope",
                "register:read",
                "--json",
            ]
        )
        == 0
    )
    assert regctl(["org", "create", "--type", "secretariat", "--code", "ECOWAS"]) == 0
    assert (
        regctl(["client", "create", "--org", "ECOWAS", "--scope", "register:read", "--json"]) == 0
    )
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    ministry, secretariat = (json.loads(line) for line in lines)
    for created, expected in (
        (ministry, "manifests:write register:read"),
        (secretariat, "register:read"),
    ):
        form = {"grant_type": "client_credentials", **created}
        response = client.post("/auth/v1/token", data=form)
        assert response.status_code == 200
        assert response.json()["scope"] == expected


def test_regctl_refuses_bad_input_without_a_traceback(
    register_settings: EmbeddedSettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AUTH_DATABASE_URL", register_settings.auth.resolved_database_url())
    monkeypatch.setenv("AUTH_VAR_DIR", str(register_settings.auth.var_dir))
    assert regctl(["org", "create", "--type", "member_state", "--code", "XYZ"]) == 1
    assert regctl(["client", "create", "--org", "NOPE", "--scope", "register:read"]) == 1
    assert regctl(["client", "disable", "nobody"]) == 1
    assert "error:" in capsys.readouterr().err


def test_regctl_bootstrap_then_disable_and_rotate(
    register_settings: EmbeddedSettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    client: TestClient,
) -> None:
    monkeypatch.setenv("AUTH_DATABASE_URL", register_settings.auth.resolved_database_url())
    monkeypatch.setenv("AUTH_VAR_DIR", str(register_settings.auth.var_dir))
    assert regctl(["bootstrap"]) == 0
    creds = json.loads((register_settings.auth.var_dir / "credentials.json").read_text())
    assert creds["client_secret"] in capsys.readouterr().out
    assert regctl(["bootstrap"]) == 0
    assert creds["client_secret"] not in capsys.readouterr().out
    assert regctl(["client", "rotate-secret", creds["client_id"]]) == 0
    form = {"grant_type": "client_credentials", **creds}
    assert client.post("/auth/v1/token", data=form).status_code == 401
    assert regctl(["client", "disable", creds["client_id"]]) == 0
    assert regctl(["client", "list"]) == 0
    assert "DISABLED" in capsys.readouterr().out
