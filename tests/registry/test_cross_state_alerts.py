"""Alerts across states: one weapon destroyed by two states (``destroyed_twice``, seen
only by secretariats that may read both destructions) and amendments moving a record in
time, place or mission (``context_amended``, for the secretariats before and after)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.registry.factories import INDEX, declared_weapon, delivery
from tests.support.auth_fixtures import AuthApi
from tests.support.declarations_log import proven

ALERTS = "/registry/v1/alerts"


def _deliver(client: TestClient, auth_api: AuthApi, body: dict[str, Any]) -> int:
    response = client.post(INDEX, json=body, headers=auth_api.operator_headers(("index:write",)))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "indexed"
    return int(response.json()["alerts"])


def _kinds(client: TestClient, headers: dict[str, str], kind: str) -> list[dict[str, Any]]:
    response = client.get(ALERTS, params={"kind": kind}, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _destroyed(declaration_id: str, country: str, serial: str) -> dict[str, Any]:
    return delivery(
        [declared_weapon(0, serial)],
        declaration_id=declaration_id,
        type_="destruction",
        country=country,
    )


def test_two_states_destroying_one_weapon_alert_the_secretariat_that_sees_both(
    client: TestClient, auth_api: AuthApi
) -> None:
    assert _deliver(client, auth_api, _destroyed("destroy-ner", "NER", "AK-1")) == 0
    assert _deliver(client, auth_api, _destroyed("destroy-sen", "SEN", "ak 1")) == 1
    (alert,) = _kinds(client, auth_api.secretariat_headers("ECOWAS"), "destroyed_twice")
    named = {d["declaration_id"] for d in alert["evidence"]["declarations"]}
    assert named == {"destroy-ner", "destroy-sen"}
    # Neither state learns of the other's destruction, nor does another community.
    for headers in (
        auth_api.member_state_headers("NER"),
        auth_api.member_state_headers("SEN"),
        auth_api.secretariat_headers("ECCAS"),
    ):
        assert _kinds(client, headers, "destroyed_twice") == []


def test_a_secretariat_seeing_only_one_of_the_destructions_is_not_told(
    client: TestClient, auth_api: AuthApi
) -> None:
    assert _deliver(client, auth_api, _destroyed("destroy-ner", "NER", "AK-2")) == 0
    assert _deliver(client, auth_api, _destroyed("destroy-cmr", "CMR", "AK-2")) == 1
    assert _kinds(client, auth_api.secretariat_headers("ECOWAS"), "destroyed_twice") == []
    assert _kinds(client, auth_api.secretariat_headers("ECCAS"), "destroyed_twice") == []
    (alert,) = _kinds(client, auth_api.operator_headers(), "destroyed_twice")
    assert alert["country"] == "CMR"


def test_recoveries_of_one_weapon_are_not_a_double_destruction(
    client: TestClient, auth_api: AuthApi
) -> None:
    _deliver(client, auth_api, delivery([declared_weapon(0, "AK-3")], declaration_id="seized"))
    _deliver(client, auth_api, _destroyed("destroy-sen", "SEN", "AK-3"))
    assert _kinds(client, auth_api.operator_headers(), "destroyed_twice") == []


def test_amending_the_event_date_alerts_the_secretariats_before_and_after(
    client: TestClient, auth_api: AuthApi
) -> None:
    items = [declared_weapon(0, "AK-4")]
    assert _deliver(client, auth_api, delivery(items, declaration_id="d")) == 0
    moved = delivery(items, declaration_id="d", version=2, event_date="1970-01-01")
    assert _deliver(client, auth_api, moved) == 1
    (alert,) = _kinds(client, auth_api.secretariat_headers("ECOWAS"), "context_amended")
    assert alert["declaration_id"] == "d"
    assert alert["evidence"]["changes"] == {
        "event_date": {"from": "2024-05-10", "to": "1970-01-01"}
    }
    # Secretariat-only: the declaring state made the change itself.
    assert _kinds(client, auth_api.member_state_headers("NER"), "context_amended") == []


def test_amending_the_location_country_or_mission_alerts_and_the_place_does_not(
    client: TestClient, auth_api: AuthApi
) -> None:
    items = [declared_weapon(0, "AK-5")]
    _deliver(client, auth_api, delivery(items, declaration_id="d"))
    place_only = delivery(items, declaration_id="d", version=2)
    place_only["location"]["place"] = "Gao"
    place_only = proven(place_only)  # the record changed: prove the edited one
    assert _deliver(client, auth_api, place_only) == 0
    moved = delivery(items, declaration_id="d", version=3, location_country="NER", mission=None)
    assert _deliver(client, auth_api, moved) == 1
    (alert,) = _kinds(client, auth_api.secretariat_headers("ECOWAS"), "context_amended")
    assert alert["evidence"]["changes"] == {
        "location_country": {"from": "MLI", "to": "NER"},
        "mission": {"from": "MINUSMA", "to": None},
    }
