"""An organisation's admin sees its people's open sessions and ends one; never another
organisation's (404), never as a non-admin (403)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.embedded import EmbeddedRegister, EmbeddedSettings
from tests.auth.people_support import (
    Enrolled,
    HandClock,
    create_app,
    direct_person_token,
    exchange,
    invite_and_enrol,
    org_admin_headers,
    refresh,
    sign_in_code,
)
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

SEN_SESSIONS = "/auth/v1/organisations/SEN/sessions"


@pytest.fixture
def clock(register: EmbeddedRegister) -> HandClock:
    hand = HandClock(datetime.now(UTC) - timedelta(seconds=90))
    register.auth.state.clock = hand
    return hand


@pytest.fixture
def app_id(client: TestClient, auth_api: AuthApi) -> str:
    return str(create_app(client, auth_api)["client_id"])


def _enrolled(
    client: TestClient, auth_api: AuthApi, clock: HandClock, org: str, email: str, role: str
) -> Enrolled:
    org_type = "secretariat" if org == "ECOWAS" else "member_state"
    person = invite_and_enrol(
        client, auth_api, org=org, org_type=org_type, role=role, email=email, at=clock.now
    )
    clock.advance(seconds=30)
    return person


def _signed_in(client: TestClient, app_id: str, person: Enrolled, clock: HandClock) -> Any:
    code = sign_in_code(client, app_id, person, clock.now)
    clock.advance(seconds=30)
    response = exchange(client, app_id, code)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def editor(client: TestClient, auth_api: AuthApi, clock: HandClock) -> Enrolled:
    return _enrolled(client, auth_api, clock, "SEN", "ed@x.sn", "editor")


@pytest.fixture
def senegal(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> dict[str, str]:
    return org_admin_headers(client, auth_api, register_settings, "member_state", "SEN")


def test_an_admin_lists_the_open_sessions_of_their_organisations_people(
    client: TestClient,
    auth_api: AuthApi,
    app_id: str,
    editor: Enrolled,
    clock: HandClock,
    senegal: dict[str, str],
) -> None:
    _signed_in(client, app_id, editor, clock)
    _signed_in(client, app_id, editor, clock)
    ghanaian = _enrolled(client, auth_api, clock, "GHA", "ed@x.gh", "editor")
    _signed_in(client, app_id, ghanaian, clock)
    listed = assert_status(client.get(SEN_SESSIONS, headers=senegal), 200)
    assert len(listed["items"]) == 2
    assert {s["person"]["id"] for s in listed["items"]} == {editor.person_id}
    first = listed["items"][0]
    assert first["person"] == {
        "id": editor.person_id,
        "name": "Awa Diop",
        "email": "ed@x.sn",
        "role": "editor",
    }
    assert first["app"] == app_id
    assert listed["next_cursor"] is None


def test_the_list_pages_with_a_cursor(
    client: TestClient, app_id: str, editor: Enrolled, clock: HandClock, senegal: dict[str, str]
) -> None:
    for _ in range(3):
        _signed_in(client, app_id, editor, clock)
    first = assert_status(client.get(f"{SEN_SESSIONS}?limit=2", headers=senegal), 200)
    assert len(first["items"]) == 2
    assert first["next_cursor"]
    rest = client.get(f"{SEN_SESSIONS}?limit=2&cursor={first['next_cursor']}", headers=senegal)
    second = assert_status(rest, 200)
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None
    seen = [s["id"] for s in first["items"] + second["items"]]
    assert len(set(seen)) == 3


def test_sessions_ended_or_past_their_idle_limit_are_left_out(
    client: TestClient, app_id: str, editor: Enrolled, clock: HandClock, senegal: dict[str, str]
) -> None:
    signed = _signed_in(client, app_id, editor, clock)
    own = auth_headers(signed)
    ended = client.get("/auth/v1/sessions", headers=own).json()[0]["id"]
    assert client.delete(f"/auth/v1/sessions/{ended}", headers=own).status_code == 204
    _signed_in(client, app_id, editor, clock)
    assert len(assert_status(client.get(SEN_SESSIONS, headers=senegal), 200)["items"]) == 1
    clock.advance(minutes=31)
    assert assert_status(client.get(SEN_SESSIONS, headers=senegal), 200)["items"] == []


def auth_headers(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def test_an_admin_ends_one_session_of_their_people_and_it_is_audited(
    client: TestClient,
    auth_api: AuthApi,
    app_id: str,
    editor: Enrolled,
    clock: HandClock,
    senegal: dict[str, str],
) -> None:
    first = _signed_in(client, app_id, editor, clock)
    second = _signed_in(client, app_id, editor, clock)
    listed = assert_status(client.get(SEN_SESSIONS, headers=senegal), 200)["items"]
    ended = next(s["id"] for s in listed if s["started_at"] == min(x["started_at"] for x in listed))
    shown = assert_status(client.get(f"{SEN_SESSIONS}/{ended}", headers=senegal), 200)
    assert shown["person"]["email"] == "ed@x.sn"
    response = client.delete(f"{SEN_SESSIONS}/{ended}", headers=senegal)
    assert response.status_code == 204, response.text
    assert refresh(client, app_id, first["refresh_token"]).status_code == 400
    assert refresh(client, app_id, second["refresh_token"]).status_code == 200
    left = assert_status(client.get(SEN_SESSIONS, headers=senegal), 200)["items"]
    assert [s["id"] for s in left] == [s["id"] for s in listed if s["id"] != ended]
    assert_status(client.delete(f"{SEN_SESSIONS}/{ended}", headers=senegal), 404)
    assert_status(client.get(f"{SEN_SESSIONS}/{ended}", headers=senegal), 404)
    people = client.get("/auth/v1/people", headers=senegal).json()["items"]
    admin = next(p["id"] for p in people if p["role"] == "admin")
    trail = client.get(
        f"/auth/v1/audit?event=session.ended&subject={editor.person_id}",
        headers=auth_api.admin_headers(),
    )
    events = assert_status(trail, 200)["items"]
    assert [(e["actor"], e["details"]) for e in events] == [
        (admin, {"session": ended, "reason": "ended_by_admin"})
    ]


def test_another_organisations_sessions_are_not_found(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    app_id: str,
    editor: Enrolled,
    clock: HandClock,
) -> None:
    tokens = _signed_in(client, app_id, editor, clock)
    session_id = client.get("/auth/v1/sessions", headers=auth_headers(tokens)).json()[0]["id"]
    ghana = org_admin_headers(client, auth_api, register_settings, "member_state", "GHA")
    assert_status(client.get(SEN_SESSIONS, headers=ghana), 404)
    assert_status(client.get(f"{SEN_SESSIONS}/{session_id}", headers=ghana), 404)
    assert_status(client.delete(f"{SEN_SESSIONS}/{session_id}", headers=ghana), 404)
    # Naming its own organisation does not reach Senegal's session either.
    own = "/auth/v1/organisations/GHA/sessions"
    assert_status(client.delete(f"{own}/{session_id}", headers=ghana), 404)
    assert_status(client.get(f"{own}/{session_id}", headers=ghana), 404)
    assert refresh(client, app_id, tokens["refresh_token"]).status_code == 200


def test_a_non_admin_person_and_an_api_client_are_refused(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    app_id: str,
    editor: Enrolled,
    clock: HandClock,
) -> None:
    tokens = _signed_in(client, app_id, editor, clock)
    session_id = client.get("/auth/v1/sessions", headers=auth_headers(tokens)).json()[0]["id"]
    as_editor = auth_api.headers(direct_person_token(register_settings, editor.person_id))
    assert_status(client.get(SEN_SESSIONS, headers=as_editor), 403)
    assert_status(client.get(f"{SEN_SESSIONS}/{session_id}", headers=as_editor), 403)
    assert_status(client.delete(f"{SEN_SESSIONS}/{session_id}", headers=as_editor), 403)
    client_id, secret = auth_api.create_member_state("SEN")
    as_client = auth_api.headers(auth_api.token(client_id, secret))
    assert_status(client.get(SEN_SESSIONS, headers=as_client), 403)
    assert refresh(client, app_id, tokens["refresh_token"]).status_code == 200


def test_the_operator_lists_and_ends_any_organisations_sessions(
    client: TestClient, auth_api: AuthApi, app_id: str, editor: Enrolled, clock: HandClock
) -> None:
    tokens = _signed_in(client, app_id, editor, clock)
    operator = auth_api.admin_headers()
    listed = assert_status(client.get(SEN_SESSIONS, headers=operator), 200)["items"]
    assert len(listed) == 1
    ended = client.delete(f"{SEN_SESSIONS}/{listed[0]['id']}", headers=operator)
    assert ended.status_code == 204
    assert refresh(client, app_id, tokens["refresh_token"]).status_code == 400
    assert_status(client.get("/auth/v1/organisations/XYZ/sessions", headers=operator), 404)
