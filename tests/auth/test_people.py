"""People: one organisation, one role; each organisation administers its own people."""

from __future__ import annotations

import json
import stat

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from services.auth.bootstrap import bootstrap_on_first_start
from services.cli.main import main as regctl
from services.embedded import EmbeddedSettings
from tests.auth.people_support import direct_person_token, invite, org_admin_headers
from tests.support.auth_fixtures import AuthApi


def test_an_invitation_returns_a_one_time_link_and_the_roles_scopes(
    client: TestClient, auth_api: AuthApi
) -> None:
    auth_api.ensure_organisation("member_state", "SEN")
    response = invite(client, auth_api.admin_headers(), org="SEN", email="a@x.sn", role="editor")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"].startswith("psn_")
    assert "/auth/enrol/" in body["enrolment_url"]
    assert body["expires_at"]
    assert body["scopes"] == ["manifests:write", "declarations:write", "register:read"]
    assert body["enrolled"] is False
    assert response.headers["cache-control"] == "no-store"


def test_senegals_admin_manages_senegals_people_only(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    senegal = org_admin_headers(client, auth_api, register_settings, "member_state", "SEN")
    auth_api.ensure_organisation("member_state", "NGA")
    nigerian = invite(client, auth_api.admin_headers(), org="NGA", email="n@x.ng", role="reader")
    nigerian_id = nigerian.json()["id"]

    own = invite(client, senegal, org="SEN", email="reader@x.sn", role="reader")
    assert own.status_code == 201
    assert invite(client, senegal, org="NGA", email="b@x.ng", role="reader").status_code == 403
    assert client.post(f"/auth/v1/people/{nigerian_id}/disable", headers=senegal).status_code == 404
    assert (
        client.post(f"/auth/v1/people/{nigerian_id}/reset-mfa", headers=senegal).status_code == 404
    )
    assert client.get(f"/auth/v1/people/{nigerian_id}", headers=senegal).status_code == 404
    listed = client.get("/auth/v1/people", headers=senegal).json()["items"]
    assert {p["organisation"] for p in listed} == {"SEN"}
    everyone = client.get("/auth/v1/people", headers=auth_api.admin_headers()).json()["items"]
    assert {p["organisation"] for p in everyone} == {"SEN", "NGA"}


def test_an_admin_cannot_give_a_role_their_organisation_may_not_hold(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    senegal = org_admin_headers(client, auth_api, register_settings, "member_state", "SEN")
    refused = invite(client, senegal, org="SEN", email="c@x.sn", role="analyst")
    assert refused.status_code == 403
    operator = invite(client, auth_api.admin_headers(), org="SEN", email="c@x.sn", role="analyst")
    assert operator.status_code == 422
    assert operator.json()["errors"][0]["loc"] == "role"


def test_readers_and_editors_administer_nobody(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    auth_api.ensure_organisation("member_state", "SEN")
    editor = invite(client, auth_api.admin_headers(), org="SEN", email="e@x.sn", role="editor")
    headers = auth_api.headers(direct_person_token(register_settings, editor.json()["id"]))
    assert invite(client, headers, org="SEN", email="f@x.sn", role="reader").status_code == 403
    assert client.get("/auth/v1/people", headers=headers).status_code == 403
    ministry = auth_api.member_state_headers("SEN")  # an API client is no people admin either
    assert invite(client, ministry, org="SEN", email="g@x.sn", role="reader").status_code == 403


def test_emails_are_unique_without_regard_to_case(client: TestClient, auth_api: AuthApi) -> None:
    auth_api.ensure_organisation("member_state", "SEN")
    auth_api.ensure_organisation("member_state", "NGA")
    first = invite(client, auth_api.admin_headers(), org="SEN", email="Awa@X.sn", role="reader")
    again = invite(client, auth_api.admin_headers(), org="NGA", email="awa@x.SN", role="reader")
    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["code"] == "email_taken"


def test_the_database_refuses_a_role_the_organisation_type_has_not(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    auth_api.ensure_organisation("member_state", "SEN")
    engine = create_engine(register_settings.auth.resolved_database_url())
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO people (id, organisation, org_type, role, email, email_key,"
                    " name, enabled, created_at, updated_at) VALUES ('psn_x', 'SEN',"
                    " 'member_state', 'analyst', 'a@b.c', 'a@b.c', 'A', true,"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
    finally:
        engine.dispose()


def test_a_disabled_admin_administers_nothing_and_is_kept(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    senegal = org_admin_headers(client, auth_api, register_settings, "member_state", "SEN")
    admin_id = client.get("/auth/v1/people", headers=senegal).json()["items"][0]["id"]
    disabled = client.post(f"/auth/v1/people/{admin_id}/disable", headers=auth_api.admin_headers())
    assert disabled.status_code == 200
    assert disabled.json()["enabled"] is False
    assert invite(client, senegal, org="SEN", email="h@x.sn", role="reader").status_code == 403
    kept = client.get(f"/auth/v1/people/{admin_id}", headers=auth_api.admin_headers())
    assert kept.status_code == 200
    events = client.get(
        "/auth/v1/audit", params={"subject": admin_id}, headers=auth_api.admin_headers()
    ).json()["items"]
    assert [e["event"] for e in events] == ["person.invited", "person.disabled"]


def test_reset_mfa_gives_a_new_link_and_the_old_one_stops_working(
    client: TestClient, auth_api: AuthApi
) -> None:
    auth_api.ensure_organisation("member_state", "SEN")
    invited = invite(client, auth_api.admin_headers(), org="SEN", email="r@x.sn", role="reader")
    person_id = invited.json()["id"]
    reset = client.post(f"/auth/v1/people/{person_id}/reset-mfa", headers=auth_api.admin_headers())
    assert reset.status_code == 200
    assert reset.json()["enrolment_url"] != invited.json()["enrolment_url"]


def test_regctl_person_invite_prints_the_contract_json(
    register_settings: EmbeddedSettings,
    client: TestClient,
    auth_api: AuthApi,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AUTH_DATABASE_URL", register_settings.auth.resolved_database_url())
    monkeypatch.setenv("AUTH_VAR_DIR", str(register_settings.auth.var_dir))
    auth_api.ensure_organisation("member_state", "SEN")
    args = ["person", "invite", "--org", "SEN", "--email", "cli@x.sn", "--role", "editor", "--json"]
    assert regctl(args) == 0
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(printed) == {"person_id", "enrolment_url"}
    shown = client.get(f"/auth/v1/people/{printed['person_id']}", headers=auth_api.admin_headers())
    assert shown.json()["role"] == "editor"
    assert regctl(["person", "disable", printed["person_id"]]) == 0
    assert (
        regctl(["person", "invite", "--org", "NGA", "--email", "x@y.ng", "--role", "reader"]) == 1
    )


def test_a_role_change_is_checked_and_recorded(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    senegal = org_admin_headers(client, auth_api, register_settings, "member_state", "SEN")
    reader = invite(client, senegal, org="SEN", email="rd@x.sn", role="reader").json()["id"]
    path = f"/auth/v1/people/{reader}/role"
    assert client.post(path, json={"role": "analyst"}, headers=senegal).status_code == 403
    changed = client.post(path, json={"role": "editor"}, headers=senegal)
    assert changed.status_code == 200
    assert changed.json()["scopes"] == ["manifests:write", "declarations:write", "register:read"]
    nigeria = org_admin_headers(client, auth_api, register_settings, "member_state", "NGA")
    assert client.post(path, json={"role": "reader"}, headers=nigeria).status_code == 404
    events = client.get(
        "/auth/v1/audit", params={"event": "person.role_changed"}, headers=auth_api.admin_headers()
    ).json()["items"]
    assert events[0]["details"] == {"from": "reader", "to": "editor", "organisation": "SEN"}


def test_first_start_prints_and_saves_the_first_administrators_enrolment_link(
    register_settings: EmbeddedSettings, client: TestClient
) -> None:
    printed: list[str] = []
    assert bootstrap_on_first_start(register_settings.auth, out=printed.append) is not None
    path = register_settings.auth.var_dir / "first-admin-enrolment.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    url = path.read_text().splitlines()[0]
    assert "/auth/enrol/" in url
    assert any(url in line for line in printed)
    assert (register_settings.auth.var_dir / "credentials.json").exists()
    assert client.get("/" + url.split("://", 1)[1].split("/", 1)[1]).status_code == 200
    later: list[str] = []
    bootstrap_on_first_start(register_settings.auth, out=later.append)
    assert url not in "".join(later)


def test_an_invitation_replayed_with_its_idempotency_key_never_repeats_the_link(
    client: TestClient, auth_api: AuthApi
) -> None:
    auth_api.ensure_organisation("member_state", "SEN")
    headers = {**auth_api.admin_headers(), "Idempotency-Key": "invite-1"}
    body = {"organisation": "SEN", "email": "i@x.sn", "name": "I", "role": "reader"}
    first = client.post("/auth/v1/people", json=body, headers=headers)
    again = client.post("/auth/v1/people", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["enrolment_url"]
    assert again.json()["enrolment_url"] is None


def test_regctl_app_create_prints_the_client_id_and_a_confidential_apps_secret(
    register_settings: EmbeddedSettings,
    client: TestClient,
    auth_api: AuthApi,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AUTH_DATABASE_URL", register_settings.auth.resolved_database_url())
    monkeypatch.setenv("AUTH_VAR_DIR", str(register_settings.auth.var_dir))
    uri = "https://console.example.org/callback"
    assert regctl(["app", "create", "--name", "Console", "--redirect-uri", uri, "--json"]) == 0
    assert (
        regctl(["app", "create", "--name", "SPA", "--redirect-uri", uri, "--public", "--json"]) == 0
    )
    confidential, public = (
        json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")
    )
    assert confidential["client_secret"]
    assert public["client_secret"] is None
    listed = client.get("/auth/v1/apps", headers=auth_api.admin_headers()).json()
    assert {a["client_id"] for a in listed} == {confidential["client_id"], public["client_id"]}
    assert regctl(["app", "create", "--name", "X", "--redirect-uri", "http://evil.example/cb"]) == 2


def test_a_disabled_person_is_enabled_again_by_their_admin_and_it_is_recorded(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    senegal = org_admin_headers(client, auth_api, register_settings, "member_state", "SEN")
    reader = invite(client, senegal, org="SEN", email="en@x.sn", role="reader").json()["id"]
    auth_api.ensure_organisation("member_state", "NGA")
    nigerian = invite(client, auth_api.admin_headers(), org="NGA", email="en@x.ng", role="reader")
    nigerian_id = nigerian.json()["id"]
    assert client.post(f"/auth/v1/people/{reader}/disable", headers=senegal).status_code == 200
    enabled = client.post(f"/auth/v1/people/{reader}/enable", headers=senegal)
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["enabled"] is True
    assert client.post(f"/auth/v1/people/{nigerian_id}/enable", headers=senegal).status_code == 404
    events = client.get(
        "/auth/v1/audit", params={"subject": reader}, headers=auth_api.admin_headers()
    ).json()["items"]
    assert [e["event"] for e in events] == ["person.invited", "person.disabled", "person.enabled"]
