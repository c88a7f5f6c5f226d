"""An organisation's admin person manages its own API clients, and only its own.

Tenancy: Senegal's admin never sees, rotates, disables nor enables Ghana's client (404:
its existence is not disclosed) nor creates one for Ghana (403); Senegal's editor and
API clients are no organisation admin (403); the operator keeps every organisation's.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import direct_person_token, invite, org_admin_headers
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

CLIENTS = "/auth/v1/clients"
TOKEN = "/auth/v1/token"


@pytest.fixture
def senegal(client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings) -> Any:
    """Bearer headers of Senegal's admin person."""
    return org_admin_headers(client, auth_api, register_settings, "member_state", "SEN")


@pytest.fixture
def ghana_client(auth_api: AuthApi) -> str:
    """A client of Ghana, made by the operator."""
    auth_api.ensure_organisation("member_state", "GHA")
    return auth_api.create_client("GHA", ["register:read"], name="Ghana G3").client_id


def _create(client: TestClient, headers: dict[str, str], org: str, scopes: list[str]) -> Any:
    body = {"organisation": org, "name": f"{org} logistics", "scopes": scopes}
    return client.post(CLIENTS, json=body, headers=headers)


def _token_status(client: TestClient, client_id: str, secret: str) -> int:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return client.post(TOKEN, data=form).status_code


def _audit(client: TestClient, auth_api: AuthApi, subject: str) -> list[dict[str, Any]]:
    page = client.get(f"/auth/v1/audit?subject={subject}", headers=auth_api.admin_headers())
    items: list[dict[str, Any]] = assert_status(page, 200)["items"]
    return items


def test_an_organisation_admin_creates_a_client_of_their_own_organisation(
    client: TestClient, senegal: dict[str, str]
) -> None:
    created = assert_status(_create(client, senegal, "SEN", ["manifests:write"]), 201)
    assert created["organisation"] == "SEN"
    assert _token_status(client, created["client_id"], created["client_secret"]) == 200


def test_an_organisation_admin_may_not_create_a_client_of_another_organisation(
    client: TestClient, auth_api: AuthApi, senegal: dict[str, str]
) -> None:
    auth_api.ensure_organisation("member_state", "GHA")
    refused = _create(client, senegal, "GHA", ["register:read"])
    assert_status(refused, 403)
    listed = client.get(f"{CLIENTS}?organisation=GHA", headers=auth_api.admin_headers()).json()
    assert listed["items"] == []


def test_an_organisation_admin_gives_only_scopes_their_type_may_hold(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    ecowas = org_admin_headers(client, auth_api, register_settings, "secretariat", "ECOWAS")
    refused = _create(client, ecowas, "ECOWAS", ["register:read", "manifests:write", "admin"])
    problem = assert_status(refused, 422)
    assert [e["loc"] for e in problem["errors"]] == ["scopes[1]", "scopes[2]"]
    allowed = _create(client, ecowas, "ECOWAS", ["register:read", "alerts:triage"])
    assert assert_status(allowed, 201)["scopes"] == ["register:read", "alerts:triage"]


def test_an_organisation_admin_lists_only_their_own_organisations_clients(
    client: TestClient, auth_api: AuthApi, senegal: dict[str, str], ghana_client: str
) -> None:
    own = assert_status(_create(client, senegal, "SEN", ["register:read"]), 201)
    listed = assert_status(client.get(CLIENTS, headers=senegal), 200)
    assert [c["client_id"] for c in listed["items"]] == [own["client_id"]]
    asked = assert_status(client.get(f"{CLIENTS}?organisation=GHA", headers=senegal), 200)
    assert asked["items"] == []
    everyone = client.get(CLIENTS, headers=auth_api.admin_headers()).json()["items"]
    assert {own["client_id"], ghana_client} <= {c["client_id"] for c in everyone}


@pytest.mark.parametrize("action", ["secret", "disable", "enable"])
def test_another_organisations_client_is_not_found_by_an_organisation_admin(
    client: TestClient,
    auth_api: AuthApi,
    senegal: dict[str, str],
    ghana_client: str,
    action: str,
) -> None:
    assert_status(client.get(f"{CLIENTS}/{ghana_client}", headers=senegal), 404)
    assert_status(client.post(f"{CLIENTS}/{ghana_client}/{action}", headers=senegal), 404)
    shown = client.get(f"{CLIENTS}/{ghana_client}", headers=auth_api.admin_headers()).json()
    assert shown["enabled"] is True
    assert [e["event"] for e in _audit(client, auth_api, ghana_client)] == ["client.created"]


def test_an_organisation_admin_rotates_disables_and_enables_their_own_client(
    client: TestClient, auth_api: AuthApi, senegal: dict[str, str]
) -> None:
    created = assert_status(_create(client, senegal, "SEN", ["register:read"]), 201)
    client_id, old_secret = created["client_id"], created["client_secret"]
    rotated = assert_status(client.post(f"{CLIENTS}/{client_id}/secret", headers=senegal), 200)
    new_secret = rotated["client_secret"]
    assert _token_status(client, client_id, old_secret) == 401
    assert _token_status(client, client_id, new_secret) == 200
    disabled = assert_status(client.post(f"{CLIENTS}/{client_id}/disable", headers=senegal), 200)
    assert disabled["enabled"] is False
    assert _token_status(client, client_id, new_secret) != 200
    enabled = assert_status(client.post(f"{CLIENTS}/{client_id}/enable", headers=senegal), 200)
    assert enabled["enabled"] is True
    assert _token_status(client, client_id, new_secret) == 200


def test_every_change_by_an_organisation_admin_names_the_person_in_the_audit_trail(
    client: TestClient, auth_api: AuthApi, senegal: dict[str, str]
) -> None:
    person = client.get("/auth/v1/people", headers=senegal).json()["items"][0]["id"]
    client_id = assert_status(_create(client, senegal, "SEN", ["register:read"]), 201)["client_id"]
    for action in ("secret", "disable", "enable"):
        assert_status(client.post(f"{CLIENTS}/{client_id}/{action}", headers=senegal), 200)
    events = _audit(client, auth_api, client_id)
    assert [e["event"] for e in events] == [
        "client.created",
        "client.secret_rotated",
        "client.disabled",
        "client.enabled",
    ]
    assert {(e["actor"], e["actor_org"]) for e in events} == {(person, "SEN")}
    assert {e["details"]["organisation"] for e in events} == {"SEN"}


def test_an_editor_person_is_refused_every_client_route(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    senegal: dict[str, str],
) -> None:
    own = assert_status(_create(client, senegal, "SEN", ["register:read"]), 201)
    invited = invite(client, senegal, org="SEN", email="ed@sen.test", role="editor")
    editor = auth_api.headers(direct_person_token(register_settings, invited.json()["id"]))
    assert assert_status(client.get(CLIENTS, headers=editor), 403)["code"] == "insufficient_scope"
    assert_status(client.get(f"{CLIENTS}/{own['client_id']}", headers=editor), 403)
    assert_status(_create(client, editor, "SEN", ["register:read"]), 403)
    for action in ("secret", "disable", "enable"):
        assert_status(client.post(f"{CLIENTS}/{own['client_id']}/{action}", headers=editor), 403)


def test_a_member_states_api_client_is_no_organisation_admin(
    client: TestClient, auth_api: AuthApi
) -> None:
    client_id, secret = auth_api.create_member_state("SEN")
    headers = auth_api.headers(auth_api.token(client_id, secret))
    assert_status(client.get(CLIENTS, headers=headers), 403)
    assert_status(client.post(f"{CLIENTS}/{client_id}/secret", headers=headers), 403)


def test_a_disabled_admin_person_is_refused(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
) -> None:
    auth_api.ensure_organisation("member_state", "SEN")
    invited = invite(client, auth_api.admin_headers(), org="SEN", email="a@sen.test", role="admin")
    person_id = invited.json()["id"]
    headers = auth_api.headers(direct_person_token(register_settings, person_id))
    assert_status(client.get(CLIENTS, headers=headers), 200)
    disable = client.post(f"/auth/v1/people/{person_id}/disable", headers=auth_api.admin_headers())
    assert_status(disable, 200)
    assert_status(client.get(CLIENTS, headers=headers), 403)
