"""An organisation's admin in the console: their own organisation's API clients (the
organisation fixed, the scopes of its type) and the sessions of their people, signed
out after confirming; another organisation's are 404 pages, non-admins 403."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import Enrolled, invite_and_enrol
from tests.console.support import register_console, sign_in
from tests.support.auth_fixtures import AuthApi


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _person(auth_api: AuthApi, client: TestClient, org: str, role: str, email: str) -> Enrolled:
    org_type = "secretariat" if org == "ECOWAS" else "member_state"
    return invite_and_enrol(client, auth_api, org=org, org_type=org_type, role=role, email=email)


def _open_sessions(client: TestClient, auth_api: AuthApi, org: str) -> list[dict[str, object]]:
    listed = client.get(f"/auth/v1/organisations/{org}/sessions", headers=auth_api.admin_headers())
    assert listed.status_code == 200, listed.text
    items: list[dict[str, object]] = listed.json()["items"]
    return items


def test_an_organisation_admin_creates_and_rotates_their_own_organisations_client(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    register_console(register_settings)
    auth_api.ensure_organisation("member_state", "GHA")
    ghana = auth_api.create_client("GHA", ["register:read"], name="Ghana G3").client_id
    admin = _person(auth_api, client, "SEN", "admin", "adm@sn.test")
    page = sign_in(client, admin, start="/console/admin/clients")
    assert 'href="/console/admin/clients" aria-current="page"' in page
    assert 'href="/console/admin/sessions"' in page
    assert ghana not in page
    assert 'name="organisation"' not in page  # fixed to theirs, not a field
    assert "<strong>SEN</strong>" in page
    offered = re.findall(r'name="scopes" value="([^"]+)"', page)
    assert offered == ["manifests:write", "declarations:write", "register:read"]
    # A forged organisation field changes nothing: the client is Senegal's.
    created = client.post(
        "/console/admin/clients",
        data={
            "csrf_token": _csrf(page),
            "organisation": "GHA",
            "name": "G3 logistics",
            "scopes": "manifests:write",
        },
    )
    assert created.status_code == 200, created.text
    client_id = re.search(r"Client id: <code>([^<]+)</code>", created.text)
    assert client_id is not None
    shown = client.get(f"/auth/v1/clients/{client_id.group(1)}", headers=auth_api.admin_headers())
    assert shown.json()["organisation"] == "SEN"
    listed = client.get("/console/admin/clients").text
    assert client_id.group(1) in listed
    assert ghana not in listed
    rotated = client.post(
        f"/console/admin/clients/{client_id.group(1)}/secret", data={"csrf_token": _csrf(page)}
    )
    assert rotated.status_code == 200
    assert "The client has a new secret." in rotated.text
    assert re.search(r'id="secret" readonly value="([^"]+)"', rotated.text) is not None


def test_another_organisations_client_is_a_404_page_for_an_organisation_admin(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    register_console(register_settings)
    auth_api.ensure_organisation("member_state", "GHA")
    ghana = auth_api.create_client("GHA", ["register:read"], name="Ghana G3").client_id
    admin = _person(auth_api, client, "SEN", "admin", "adm@sn.test")
    page = sign_in(client, admin, start="/console/admin/clients")
    assert client.get(f"/console/admin/clients/{ghana}/disable").status_code == 404
    refused = client.post(
        f"/console/admin/clients/{ghana}/disable", data={"csrf_token": _csrf(page)}
    )
    assert refused.status_code == 404
    shown = client.get(f"/auth/v1/clients/{ghana}", headers=auth_api.admin_headers())
    assert shown.json()["enabled"] is True


def test_a_secretariat_admin_is_offered_the_scopes_a_secretariat_may_hold(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    register_console(register_settings)
    admin = _person(auth_api, client, "ECOWAS", "admin", "adm@ecowas.test")
    page = sign_in(client, admin, start="/console/admin/clients")
    offered = re.findall(r'name="scopes" value="([^"]+)"', page)
    assert offered == ["register:read", "alerts:triage"]


def test_an_admin_signs_one_of_their_peoples_sessions_out_after_confirming(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    register_console(register_settings)
    editor = _person(auth_api, client, "SEN", "editor", "ed@sn.test")
    sign_in(client, editor)  # the editor's console session stays open
    client.cookies.clear()
    admin = _person(auth_api, client, "SEN", "admin", "adm@sn.test")
    page = sign_in(client, admin, start="/console/admin/sessions")
    assert 'href="/console/admin/sessions" aria-current="page"' in page
    assert "ed@sn.test" in page
    assert "adm@sn.test" in page
    assert "<td>This console</td>" in page  # the console's own app by its name, not its id
    editors = [
        s
        for s in _open_sessions(client, auth_api, "SEN")
        if s["person"]
        == {"id": editor.person_id, "name": "Awa Diop", "email": "ed@sn.test", "role": "editor"}
    ]
    assert len(editors) == 1
    session_id = editors[0]["id"]
    confirm = client.get(f"/console/admin/sessions/{session_id}/end?organisation=SEN")
    assert confirm.status_code == 200
    assert "Sign this session out?" in confirm.text
    assert "ed@sn.test" in confirm.text
    assert session_id in {s["id"] for s in _open_sessions(client, auth_api, "SEN")}
    forged = client.post(
        f"/console/admin/sessions/{session_id}/end?organisation=SEN", data={"csrf_token": "x"}
    )
    assert forged.status_code == 403
    done = client.post(
        f"/console/admin/sessions/{session_id}/end?organisation=SEN",
        data={"csrf_token": _csrf(page)},
    )
    assert done.status_code == 200, done.text
    assert "The session is signed out." in done.text
    assert "ed@sn.test" not in done.text
    assert session_id not in {s["id"] for s in _open_sessions(client, auth_api, "SEN")}


def test_another_organisations_sessions_are_404_pages_and_an_editor_gets_403(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    register_console(register_settings)
    ghanaian = _person(auth_api, client, "GHA", "editor", "ed@gh.test")
    sign_in(client, ghanaian)
    ghana_session = _open_sessions(client, auth_api, "GHA")[0]["id"]
    client.cookies.clear()
    admin = _person(auth_api, client, "SEN", "admin", "adm@sn.test")
    page = sign_in(client, admin, start="/console/admin/sessions")
    assert "ed@gh.test" not in page
    assert client.get("/console/admin/sessions?organisation=GHA").status_code == 404
    assert client.get(f"/console/admin/sessions/{ghana_session}/end").status_code == 404
    refused = client.post(
        f"/console/admin/sessions/{ghana_session}/end", data={"csrf_token": _csrf(page)}
    )
    assert refused.status_code == 404
    assert ghana_session in {s["id"] for s in _open_sessions(client, auth_api, "GHA")}
    client.cookies.clear()
    editor = _person(auth_api, client, "SEN", "editor", "ed@sn.test")
    home = sign_in(client, editor)
    assert 'href="/console/admin/sessions"' not in home
    assert 'href="/console/admin/clients"' not in home
    assert client.get("/console/admin/sessions").status_code == 403
    assert client.get("/console/admin/clients").status_code == 403


def test_the_sessions_and_clients_pages_are_whole_in_french(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    register_console(register_settings)
    admin = _person(auth_api, client, "SEN", "admin", "adm@sn.test")
    sign_in(client, admin, start="/console/admin/sessions")
    session_id = _open_sessions(client, auth_api, "SEN")[0]["id"]
    for path in (
        "/console/admin/sessions?lang=fr",
        f"/console/admin/sessions/{session_id}/end",
        "/console/admin/clients",
        "/console/profile",
    ):
        page = client.get(path)  # an untranslated message is a warning, an error in tests
        assert page.status_code == 200, path
        assert 'lang="fr"' in page.text
