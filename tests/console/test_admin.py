"""Administration in the console: an organisation's admin manages its people; the
operator manages organisations; auth's refusals are the console's 403/404 pages."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import enrol, invite, invite_and_enrol
from tests.console.support import register_console, sign_in
from tests.support.auth_fixtures import AuthApi


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _sign_in_admin(client: TestClient, auth_api: AuthApi, settings: EmbeddedSettings) -> str:
    register_console(settings)
    admin = invite_and_enrol(
        client, auth_api, org="SEN", org_type="member_state", role="admin", email="adm@sn.test"
    )
    return sign_in(client, admin, start="/console/admin/people")


def test_an_admin_invites_a_person_and_is_shown_the_one_time_link_that_enrols_them(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = _sign_in_admin(client, auth_api, register_settings)
    assert "adm@sn.test" in page
    assert 'href="/console/admin/people"' in page
    form = client.get("/console/admin/people/invite")
    assert form.status_code == 200
    assert 'value="editor"' in form.text
    assert 'value="analyst"' not in form.text
    key = re.search(r'name="form_key" value="([^"]+)"', form.text)
    assert key is not None
    data = {
        "csrf_token": _csrf(form.text),
        "form_key": key.group(1),
        "organisation": "SEN",
        "name": "Awa Diop",
        "email": "awa@sn.test",
        "role": "editor",
    }
    shown = client.post("/console/admin/people/invite", data=data)
    assert shown.status_code == 200, shown.text
    link = re.search(r'id="link" readonly value="([^"]+)"', shown.text)
    assert link is not None
    assert "/auth/enrol/" in link.group(1)
    enrol(client, html.unescape(link.group(1)))
    listed = client.get("/console/admin/people").text
    assert "Awa Diop" in listed
    assert "Editor" in listed


def test_an_invitation_with_bad_input_names_every_field(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = _sign_in_admin(client, auth_api, register_settings)
    refused = client.post(
        "/console/admin/people/invite",
        data={"csrf_token": _csrf(page), "organisation": "SEN", "email": "nope", "name": ""},
    )
    assert refused.status_code == 422, refused.text
    summary = refused.text.split('class="error-summary__list"')[1].split("</ul>")[0]
    for anchor in ('href="#email"', 'href="#name"', 'href="#role"'):
        assert anchor in summary
    taken = client.post(
        "/console/admin/people/invite",
        data={
            "csrf_token": _csrf(page),
            "organisation": "SEN",
            "email": "adm@sn.test",
            "name": "Again",
            "role": "reader",
        },
    )
    assert taken.status_code == 409
    assert "Someone already has this email address." in taken.text
    assert "String should" not in refused.text


def test_an_admin_disables_after_confirming_enables_resets_and_changes_a_role(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = _sign_in_admin(client, auth_api, register_settings)
    reader = invite(client, auth_api.admin_headers(), org="SEN", email="r@sn.test", role="reader")
    person = reader.json()["id"]
    csrf = _csrf(page)
    confirm = client.get(f"/console/admin/people/{person}/disable")
    assert confirm.status_code == 200
    assert "Disable this person?" in confirm.text
    done = client.post(f"/console/admin/people/{person}/disable", data={"csrf_token": csrf})
    assert done.status_code == 200
    assert "The person is disabled." in done.text
    assert (
        client.get(f"/auth/v1/people/{person}", headers=auth_api.admin_headers()).json()["enabled"]
        is False
    )
    again = client.post(f"/console/admin/people/{person}/enable", data={"csrf_token": csrf})
    assert "The person is enabled again." in again.text
    reset = client.post(f"/console/admin/people/{person}/reset-mfa", data={"csrf_token": csrf})
    assert reset.status_code == 200
    assert "/auth/enrol/" in reset.text
    role = client.post(
        f"/console/admin/people/{person}/role", data={"csrf_token": csrf, "role": "editor"}
    )
    assert "The role is changed." in role.text
    shown = client.get(f"/auth/v1/people/{person}", headers=auth_api.admin_headers()).json()
    assert shown["role"] == "editor"
    signed_out = client.post(f"/console/admin/people/{person}/sign-out", data={"csrf_token": csrf})
    assert "The person is signed out everywhere." in signed_out.text
    forged = client.post(f"/console/admin/people/{person}/disable", data={"csrf_token": "x"})
    assert forged.status_code == 403


def test_another_organisations_person_is_a_404_page_and_a_non_admin_gets_a_403_page(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = _sign_in_admin(client, auth_api, register_settings)
    auth_api.ensure_organisation("member_state", "NGA")
    other = invite(client, auth_api.admin_headers(), org="NGA", email="n@ng.test", role="reader")
    other_id = other.json()["id"]
    assert client.get(f"/console/admin/people/{other_id}").status_code == 404
    refused = client.post(
        f"/console/admin/people/{other_id}/disable", data={"csrf_token": _csrf(page)}
    )
    assert refused.status_code == 404
    assert client.get("/console/admin/organisations").status_code == 403
    client.cookies.clear()
    editor = invite_and_enrol(
        client, auth_api, org="SEN", org_type="member_state", role="editor", email="e@sn.test"
    )
    home = sign_in(client, editor)
    assert 'href="/console/admin/people"' not in home
    forbidden = client.get("/console/admin/people")
    assert forbidden.status_code == 403
    assert "You cannot open this page" in forbidden.text


def test_the_operator_creates_a_state_and_invites_its_first_admin(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    register_console(register_settings)
    operator = invite_and_enrol(
        client, auth_api, org="OPS", org_type="operator", role="admin", email="op@ops.test"
    )
    page = sign_in(client, operator, start="/console/admin/organisations")
    assert 'href="/console/admin/organisations"' in page
    csrf = _csrf(page)
    bad = client.post(
        "/console/admin/organisations/new",
        data={"csrf_token": csrf, "type": "member_state", "code": "!", "name": ""},
    )
    assert bad.status_code == 422
    summary = bad.text.split('class="error-summary__list"')[1].split("</ul>")[0]
    assert 'href="#code"' in summary
    assert 'href="#name"' in summary
    created = client.post(
        "/console/admin/organisations/new",
        data={"csrf_token": csrf, "type": "member_state", "code": "sen", "name": "Senegal"},
    )
    assert created.status_code == 200
    assert "/console/admin/people/invite?organisation=SEN" in created.text
    form = client.get("/console/admin/people/invite?organisation=SEN")
    assert "Senegal (SEN)" in form.text
    shown = client.post(
        "/console/admin/people/invite",
        data={
            "csrf_token": csrf,
            "organisation": "SEN",
            "name": "Focal Point",
            "email": "fp@sn.test",
            "role": "admin",
        },
    )
    assert shown.status_code == 200
    assert "/auth/enrol/" in shown.text
    people = client.get("/console/admin/people?organisation=SEN").text
    assert "fp@sn.test" in people


def test_the_administration_and_profile_pages_are_whole_in_french(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _sign_in_admin(client, auth_api, register_settings)
    person = client.get("/console/admin/people?lang=fr")
    assert "Inviter une personne" in person.text
    person_id = re.search(r'href="/console/admin/people/(psn_[0-9a-f]{32})"', person.text)
    assert person_id is not None
    for path in (
        "/console/admin/people/invite",
        f"/console/admin/people/{person_id.group(1)}",
        f"/console/admin/people/{person_id.group(1)}/reset-mfa",
        "/console/profile",
    ):
        page = client.get(path)  # an untranslated message is a warning, an error in tests
        assert page.status_code == 200, path
        assert 'lang="fr"' in page.text


def test_the_operator_creates_an_api_client_sees_its_secret_once_rotates_and_disables_it(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    register_console(register_settings)
    auth_api.ensure_organisation("member_state", "SEN")
    operator = invite_and_enrol(
        client, auth_api, org="OPS", org_type="operator", role="admin", email="op@ops.test"
    )
    page = sign_in(client, operator, start="/console/admin/clients")
    assert 'href="/console/admin/clients" aria-current="page"' in page
    csrf = _csrf(page)
    refused = client.post(
        "/console/admin/clients", data={"csrf_token": csrf, "organisation": "SEN", "name": ""}
    )
    assert refused.status_code == 422, refused.text
    summary = refused.text.split('class="error-summary__list"')[1].split("</ul>")[0]
    assert 'href="#name"' in summary
    assert 'href="#scopes"' in summary
    created = client.post(
        "/console/admin/clients",
        data={"csrf_token": csrf, "organisation": "SEN", "name": "G3", "scopes": "register:read"},
    )
    assert created.status_code == 200, created.text
    secret = re.search(r'id="secret" readonly value="([^"]+)"', created.text)
    client_id = re.search(r"Client id: <code>([^<]+)</code>", created.text)
    assert secret is not None
    assert client_id is not None
    assert secret.group(1) not in client.get("/console/admin/clients").text
    confirm = client.get(f"/console/admin/clients/{client_id.group(1)}/secret")
    assert "Give this client a new secret?" in confirm.text
    rotated = client.post(
        f"/console/admin/clients/{client_id.group(1)}/secret", data={"csrf_token": csrf}
    )
    fresh = re.search(r'id="secret" readonly value="([^"]+)"', rotated.text)
    assert fresh is not None
    assert fresh.group(1) != secret.group(1)
    disabled = client.post(
        f"/console/admin/clients/{client_id.group(1)}/disable", data={"csrf_token": csrf}
    )
    assert "The client is disabled." in disabled.text
    shown = client.get(f"/auth/v1/clients/{client_id.group(1)}", headers=auth_api.admin_headers())
    assert shown.json()["enabled"] is False
