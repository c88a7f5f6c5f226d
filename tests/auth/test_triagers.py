"""``GET /auth/v1/organisations/{code}/triagers``: whom an alert may be assigned to. The
enabled admins and analysts of the caller's own secretariat (id, name, email), for any
caller holding ``alerts:triage``; 403 without it, 404 for another organisation."""

from __future__ import annotations

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import direct_person_token, invite
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status


def _triagers(code: str) -> str:
    return f"/auth/v1/organisations/{code}/triagers"


def _invite(
    client: TestClient, auth_api: AuthApi, org_type: str, org: str, role: str, name: str
) -> str:
    auth_api.ensure_organisation(org_type, org)
    email = f"{name.split()[0].lower()}@{org.lower()}.test"
    made = invite(client, auth_api.admin_headers(), org=org, email=email, role=role, name=name)
    return str(assert_status(made)["id"])


def _headers(auth_api: AuthApi, settings: EmbeddedSettings, person_id: str) -> dict[str, str]:
    return auth_api.headers(direct_person_token(settings, person_id))


def test_an_analyst_lists_the_admins_and_analysts_of_their_secretariat(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    analyst = _invite(client, auth_api, "secretariat", "ECOWAS", "analyst", "Zainab Analyst")
    admin = _invite(client, auth_api, "secretariat", "ECOWAS", "admin", "Kofi Admin")
    _invite(client, auth_api, "secretariat", "ECOWAS", "reader", "Ines Reader")
    gone = _invite(client, auth_api, "secretariat", "ECOWAS", "analyst", "Gone Analyst")
    _invite(client, auth_api, "secretariat", "ECCAS", "analyst", "Paul Eccas")
    assert_status(
        client.post(f"/auth/v1/people/{gone}/disable", headers=auth_api.admin_headers()), 200
    )

    listed = client.get(_triagers("ECOWAS"), headers=_headers(auth_api, register_settings, analyst))

    assert listed.status_code == 200, listed.text
    assert listed.json() == {
        "items": [
            {"id": admin, "name": "Kofi Admin", "email": "kofi@ecowas.test"},
            {"id": analyst, "name": "Zainab Analyst", "email": "zainab@ecowas.test"},
        ]
    }


def test_the_secretariats_admin_and_api_client_list_them_too(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    analyst = _invite(client, auth_api, "secretariat", "ECOWAS", "analyst", "Zainab Analyst")
    admin = _invite(client, auth_api, "secretariat", "ECOWAS", "admin", "Kofi Admin")

    for headers in (
        _headers(auth_api, register_settings, admin),
        auth_api.secretariat_headers("ECOWAS"),
    ):
        listed = client.get(_triagers("ecowas"), headers=headers)  # the code in any case
        assert listed.status_code == 200, listed.text
        assert [p["id"] for p in listed.json()["items"]] == [admin, analyst]


def test_another_organisations_triagers_are_not_found(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    analyst = _invite(client, auth_api, "secretariat", "ECOWAS", "analyst", "Zainab Analyst")
    _invite(client, auth_api, "secretariat", "ECCAS", "analyst", "Paul Eccas")
    sen_admin = _invite(client, auth_api, "member_state", "SEN", "admin", "Awa Admin")

    for headers in (
        _headers(auth_api, register_settings, analyst),
        auth_api.secretariat_headers("ECOWAS"),
        _headers(auth_api, register_settings, sen_admin),
        auth_api.admin_headers(),  # the operator administers people, but triages nothing
    ):
        refused = client.get(_triagers("ECCAS"), headers=headers)
        assert refused.status_code == 404, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert "Paul" not in refused.text


def test_people_who_do_not_triage_alerts_are_refused(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    reader = _invite(client, auth_api, "secretariat", "ECOWAS", "reader", "Ines Reader")
    sen_admin = _invite(client, auth_api, "member_state", "SEN", "admin", "Awa Admin")

    as_reader = client.get(
        _triagers("ECOWAS"), headers=_headers(auth_api, register_settings, reader)
    )
    as_state = client.get(
        _triagers("SEN"), headers=_headers(auth_api, register_settings, sen_admin)
    )
    as_state_client = client.get(_triagers("SEN"), headers=auth_api.member_state_headers("SEN"))
    anonymous = client.get(_triagers("ECOWAS"))

    for refused in (as_reader, as_state, as_state_client):
        assert refused.status_code == 403, refused.text
        assert "alerts:triage" in refused.json()["detail"]
    assert anonymous.status_code == 401


def test_a_malformed_code_is_a_422(client: TestClient, auth_api: AuthApi) -> None:
    bad = client.get(_triagers("no spaces!"), headers=auth_api.secretariat_headers("ECOWAS"))
    assert bad.status_code == 422, bad.text
    assert bad.json()["errors"][0]["loc"].startswith("path")
