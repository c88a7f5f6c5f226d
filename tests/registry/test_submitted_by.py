"""Loss reports and alert actions name their actor: a person or a client and its
organisation (issue 13, item 6). The registry's own alert raising names nobody."""

from __future__ import annotations

from fastapi.testclient import TestClient
from jose import jwt

from services.embedded import EmbeddedSettings
from tests.auth.people_support import direct_person_token, invite
from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

ALERTS = "/registry/v1/alerts"
LOSS = "/registry/v1/loss-reports"


def _person(
    client: TestClient,
    auth_api: AuthApi,
    settings: EmbeddedSettings,
    *,
    org_type: str,
    org: str,
    role: str,
) -> tuple[str, dict[str, str]]:
    """A person of ``org`` with ``role`` and a token the auth service signed for them."""
    auth_api.ensure_organisation(org_type, org)
    invited = invite(
        client, auth_api.admin_headers(), org=org, email=f"{role}@{org.lower()}.test", role=role
    )
    person_id = str(assert_status(invited)["id"])
    return person_id, auth_api.headers(direct_person_token(settings, person_id))


def _loss_report() -> dict[str, object]:
    return {
        "mission": "MINUSCA",
        "contributing_country": "SEN",
        "loss_type": "stolen",
        "loss_date": "2024-05-01",
        "place": "Bambari",
        "circumstances": "Armoury broken into",
        "items": [{"kind": "weapon", "serial_number": "AK-77"}],
    }


def test_a_loss_report_names_the_person_or_client_that_submitted_it(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    sen_client = auth_api.member_state_headers("SEN")
    assert_status(client.post(MANIFESTS, json=manifest([weapon("AK-77")]), headers=sen_client))
    editor_id, editor = _person(
        client, auth_api, register_settings, org_type="member_state", org="SEN", role="editor"
    )
    created = assert_status(client.post(LOSS, json=_loss_report(), headers=editor))
    expected = {"type": "person", "id": editor_id, "organisation": "SEN"}
    assert created["submitted_by"] == expected
    read = assert_status(client.get(f"{LOSS}/{created['id']}", headers=sen_client), 200)
    assert read["submitted_by"] == expected
    listed = assert_status(client.get(LOSS, headers=sen_client), 200)["items"]
    assert [r["submitted_by"] for r in listed] == [expected]
    manifests = assert_status(client.get(MANIFESTS, headers=sen_client), 200)["items"]
    client_id = jwt.get_unverified_claims(sen_client["Authorization"].split()[1])["sub"]
    assert manifests[0]["submitted_by"] == {
        "type": "client",
        "id": client_id,
        "organisation": "SEN",
    }


def test_who_acknowledged_and_closed_an_alert_is_named_in_its_trail(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    sen = auth_api.member_state_headers("SEN")
    body = manifest([weapon("56-0000123")], mission="MINUSMA", crossing_date="2023-02-01")
    assert_status(client.post(MANIFESTS, json=body, headers=sen))
    index = auth_api.operator_headers(("index:write",))
    assert_status(
        client.post(INDEX, json=delivery([declared_weapon(0, "56 OOOO123")]), headers=index), 200
    )
    analyst_id, analyst = _person(
        client, auth_api, register_settings, org_type="secretariat", org="ECOWAS", role="analyst"
    )
    (alert,) = assert_status(client.get(ALERTS, headers=analyst), 200)["items"]
    url = f"{ALERTS}/{alert['id']}"
    etag = client.get(url, headers=analyst).headers["ETag"]
    acked = assert_status(
        client.post(f"{url}/acknowledge", json={}, headers={**analyst, "If-Match": etag}), 200
    )
    assert acked["events"][1]["submitted_by"] == {
        "type": "person",
        "id": analyst_id,
        "organisation": "ECOWAS",
    }
    ecowas_client = auth_api.secretariat_headers("ECOWAS")
    version = acked["version"]
    closing = {**ecowas_client, "If-Match": f'"v{version}"'}
    body = {"outcome": "confirmed_diversion", "note": "diverted"}
    assert_status(client.post(f"{url}/close", json=body, headers=closing), 200)
    events = assert_status(client.get(url, headers=sen), 200)["events"]
    closer = jwt.get_unverified_claims(ecowas_client["Authorization"].split()[1])["sub"]
    assert [e["submitted_by"] for e in events] == [
        None,  # raised by the registry itself
        {"type": "person", "id": analyst_id, "organisation": "ECOWAS"},
        {"type": "client", "id": closer, "organisation": "ECOWAS"},
    ]
