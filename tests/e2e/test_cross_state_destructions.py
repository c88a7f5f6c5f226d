"""Two states destroying one weapon, declared through the declarations service: both
records are kept, and the relay's delivery raises the ``destroyed_twice`` alert that
only a secretariat reading both declarations sees."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.e2e.test_index_feed import DELIVER, give_relay_a_client, rifle
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

DECLARATIONS = "/declarations/v1/declarations"
WRITER = ("declarations:write", "register:read")


def undeclared_destruction(country: str, serial: str) -> dict[str, Any]:
    return {
        "type": "destruction",
        "declaring_country": country,
        "mission": "MINUSMA",
        "event_date": (date.today() - timedelta(days=3)).isoformat(),
        "location": {"country": "MLI", "place": "Gao"},
        "undeclared": True,
        "destruction": {"method": "cutting"},
        "items": [rifle(serial)],
    }


def test_a_weapon_destroyed_by_two_states_is_kept_twice_and_alerted_once(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    sen = auth_api.member_state_headers("SEN", WRITER)
    gha = auth_api.member_state_headers("GHA", WRITER)
    assert_status(
        client.post(DECLARATIONS, json=undeclared_destruction("SEN", "56-777"), headers=sen)
    )
    assert_status(
        client.post(DECLARATIONS, json=undeclared_destruction("GHA", "56 777"), headers=gha)
    )
    give_relay_a_client(auth_api, register_settings)
    assert (
        assert_status(client.post(DELIVER, headers=auth_api.admin_headers()), 200)["delivered"] == 2
    )

    def alerts(headers: dict[str, str]) -> list[str]:
        response = client.get("/registry/v1/alerts", headers=headers)
        assert response.status_code == 200, response.text
        return [a["kind"] for a in response.json()["items"]]

    assert alerts(auth_api.secretariat_headers("ECOWAS")) == ["destroyed_twice"]
    assert alerts(sen) == []
    assert alerts(gha) == []


def test_amending_a_declarations_date_alerts_the_secretariat(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    sen = auth_api.member_state_headers("SEN", WRITER)
    body = undeclared_destruction("SEN", "56-888") | {
        "type": "seizure",
        "undeclared": False,
        "destruction": None,
    }
    created = assert_status(client.post(DECLARATIONS, json=body, headers=sen))
    give_relay_a_client(auth_api, register_settings)
    admin = auth_api.admin_headers()
    assert assert_status(client.post(DELIVER, headers=admin), 200)["delivered"] == 1
    amended = client.post(
        f"{DECLARATIONS}/{created['id']}/amendments",
        json={"reason": "date", "changes": {"event_date": "1970-01-01"}},
        headers=sen | {"If-Match": created["etag"]},
    )
    assert amended.status_code == 201, amended.text
    assert assert_status(client.post(DELIVER, headers=admin), 200)["delivered"] == 1
    response = client.get(
        "/registry/v1/alerts",
        params={"kind": "context_amended"},
        headers=auth_api.secretariat_headers("ECOWAS"),
    )
    (alert,) = response.json()["items"]
    assert alert["declaration_id"] == created["id"]
    assert alert["evidence"]["changes"]["event_date"]["to"] == "1970-01-01"
