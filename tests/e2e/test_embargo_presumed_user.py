"""The presumed user's kind, declared in the declarations service, reaches the registry's
index through the log-backed feed and decides embargo screening (issue 14, item 6)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.e2e.test_index_feed import DELIVER, give_relay_a_client, rifle
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status


def recovered_in_car(serial: str, presumed_user_kind: str) -> dict[str, Any]:
    return {
        "type": "seizure",
        "declaring_country": "SEN",
        "mission": "MINUSCA",
        "event_date": "2024-04-02",
        "location": {"country": "CAF", "place": "Bambari", "lat": 5.76, "lon": 20.67},
        "presumed_user": "as reported by the patrol",
        "presumed_user_kind": presumed_user_kind,
        "items": [rifle(serial) | {"year_of_manufacture": 2019}],
    }


def test_in_car_in_2024_only_the_armed_groups_rifle_raises_an_embargo_alert(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    senegal = auth_api.member_state_headers("SEN", ("declarations:write", "register:read"))
    ids = {}
    for serial, kind in (("CAF-1", "non_state_armed_group"), ("CAF-2", "government_forces")):
        declared = client.post(
            "/declarations/v1/declarations", json=recovered_in_car(serial, kind), headers=senegal
        )
        ids[kind] = assert_status(declared, 201)["id"]
    refused = client.post(
        "/declarations/v1/declarations",
        json=recovered_in_car("CAF-3", "rebels"),
        headers=senegal,
    )
    assert refused.status_code == 422
    assert [e["loc"] for e in refused.json()["errors"]] == ["presumed_user_kind"]

    give_relay_a_client(auth_api, register_settings)
    delivered = assert_status(client.post(DELIVER, headers=auth_api.admin_headers()), 200)
    assert delivered["delivered"] == 2
    alerts = assert_status(
        client.get(
            "/registry/v1/alerts",
            params={"kind": "embargo"},
            headers=auth_api.member_state_headers("SEN"),
        ),
        200,
    )["items"]
    assert [a["declaration_id"] for a in alerts] == [ids["non_state_armed_group"]]
    assert alerts[0]["evidence"]["embargo"]["id"] == "seed-caf-2013"
