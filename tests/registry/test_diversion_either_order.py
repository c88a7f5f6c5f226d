"""Diversion alerts whichever arrives second: the seizure, or the contingent's manifest in."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.registry.factories import (
    INDEX,
    MANIFESTS,
    ammunition,
    declared_weapon,
    delivery,
    manifest,
    weapon,
)
from tests.support.auth_fixtures import AuthApi

ALERTS = "/registry/v1/alerts"


def _index(client: TestClient, auth_api: AuthApi, body: dict[str, Any]) -> int:
    relay = auth_api.operator_headers(("index:write",))
    response = client.post(INDEX, json=body, headers=relay)
    assert response.status_code == 200, response.text
    return int(response.json()["alerts"])


def _senbatt_in(client: TestClient, auth_api: AuthApi, items: list[dict[str, Any]]) -> str:
    body = manifest(items, mission="MINUSMA", crossing_date="2023-02-01", unit="SENBATT 4")
    response = client.post(MANIFESTS, json=body, headers=auth_api.member_state_headers("SEN"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _diversions(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get(ALERTS, params={"kind": "diversion"}, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_a_manifest_in_after_the_seizure_raises_the_diversion_alert(
    client: TestClient, auth_api: AuthApi
) -> None:
    assert _index(client, auth_api, delivery([declared_weapon(0, "56 OOOO123")])) == 0
    manifest_id = _senbatt_in(client, auth_api, [weapon("56-0000123"), weapon("56-0000124")])

    sen = auth_api.member_state_headers("SEN")
    (alert,) = _diversions(client, sen)
    assert (alert["country"], alert["mission"], alert["declaration_id"]) == (
        "SEN",
        "MINUSMA",
        "decl-1",
    )
    assert alert["record_date"] == "2024-05-10"
    evidence = alert["evidence"]
    assert evidence["match"] == "normalized"
    assert evidence["declared"] == "56 OOOO123"
    assert evidence["item_index"] == 0
    assert evidence["declaration"]["declaring_country"] == "NER"
    assert evidence["manifests"] == [
        {
            "manifest_id": manifest_id,
            "line": 0,
            "crossing_date": "2023-02-01",
            "unit": "SENBATT 4",
            "recorded": "56-0000123",
            "manufacturer": "Kalashnikov Concern",
            "model": "AK-103",
        }
    ]
    # Same audience as when the seizure comes second: the contributing state and the
    # secretariats, not the seizing state nor a third one.
    assert _diversions(client, auth_api.secretariat_headers("ECOWAS")) == [alert]
    for other in ("NER", "GHA"):
        assert _diversions(client, auth_api.member_state_headers(other)) == []


def test_the_evidence_is_the_same_whichever_record_comes_second(
    client: TestClient, auth_api: AuthApi
) -> None:
    _senbatt_in(client, auth_api, [weapon("FIRST-1")])
    _index(client, auth_api, delivery([declared_weapon(0, "FIRST-1")], declaration_id="decl-a"))
    _index(client, auth_api, delivery([declared_weapon(0, "SECOND-1")], declaration_id="decl-b"))
    _senbatt_in(client, auth_api, [weapon("SECOND-1")])

    alerts = _diversions(client, auth_api.member_state_headers("SEN"))
    by_declaration = {a["declaration_id"]: a for a in alerts}
    assert set(by_declaration) == {"decl-a", "decl-b"}
    manifest_first, seizure_first = by_declaration["decl-a"], by_declaration["decl-b"]
    first, second = manifest_first["evidence"], seizure_first["evidence"]
    assert first.keys() == second.keys()
    assert first["declaration"].keys() == second["declaration"].keys()
    assert [m.keys() for m in first["manifests"]] == [m.keys() for m in second["manifests"]]
    assert manifest_first["summary"].replace("FIRST", "X") == seizure_first["summary"].replace(
        "SECOND", "X"
    )


def test_a_diversion_already_raised_is_not_raised_again(
    client: TestClient, auth_api: AuthApi
) -> None:
    item = declared_weapon(0, "56 OOOO123")
    _index(client, auth_api, delivery([item]))
    _senbatt_in(client, auth_api, [weapon("56-0000123")])
    # A newer version of the seizure, and a correction manifest of the same weapon:
    # the same declared item and contingent, so the same alert.
    assert _index(client, auth_api, delivery([item], version=2)) == 0
    correction = manifest(
        [weapon("56-0000123")], mission="MINUSMA", crossing_date="2023-02-02", correction=True
    )
    sen = auth_api.member_state_headers("SEN")
    assert client.post(MANIFESTS, json=correction, headers=sen).status_code == 201
    assert len(_diversions(client, auth_api.secretariat_headers("ECOWAS"))) == 1


def test_an_ammunition_lot_seized_before_it_is_declared_in_raises_an_alert(
    client: TestClient, auth_api: AuthApi
) -> None:
    lot = {
        "item_index": 0,
        "kind": "ammunition",
        "calibre": "7,62 x 39",
        "lot_number": "l-311",
        "quantity": 40,
    }
    _index(client, auth_api, delivery([lot]))
    _senbatt_in(client, auth_api, [ammunition("L-311", 5000)])
    (alert,) = _diversions(client, auth_api.member_state_headers("SEN"))
    assert alert["evidence"]["manifests"][0]["recorded"] == "L-311"


def test_a_contingents_own_destruction_before_its_manifest_is_no_diversion(
    client: TestClient, auth_api: AuthApi
) -> None:
    own = delivery(
        [declared_weapon(0, "56-0000123")],
        type_="destruction",
        country="SEN",
        location_country="SEN",
    )
    _index(client, auth_api, own)
    _senbatt_in(client, auth_api, [weapon("56-0000123")])
    assert _diversions(client, auth_api.secretariat_headers("ECOWAS")) == []


def test_a_manifest_out_raises_no_diversion(client: TestClient, auth_api: AuthApi) -> None:
    _senbatt_in(client, auth_api, [weapon("OUT-1")])
    _index(client, auth_api, delivery([declared_weapon(0, "OUT-1")]))
    ecowas = auth_api.secretariat_headers("ECOWAS")
    assert len(_diversions(client, ecowas)) == 1
    out = manifest(
        [weapon("OUT-1")], direction="out", mission="MINUSMA", crossing_date="2023-06-01"
    )
    assert (
        client.post(MANIFESTS, json=out, headers=auth_api.member_state_headers("SEN")).status_code
        == 201
    )
    assert len(_diversions(client, ecowas)) == 1
