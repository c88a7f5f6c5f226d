"""Issue 6's scenario: SEN's rifle declared in, seized by NER's troops noted "56 OOOO123"."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.support.auth_fixtures import AuthApi

ALERTS = "/registry/v1/alerts"


def _senbatt_in(client: TestClient, auth_api: AuthApi) -> dict[str, Any]:
    sen = auth_api.member_state_headers("SEN")
    body = manifest(
        [weapon("56-0000123"), weapon("56-0000124"), weapon("56-0000125")],
        mission="MINUSMA",
        crossing_date="2023-02-01",
        unit="SENBATT 4",
    )
    response = client.post(MANIFESTS, json=body, headers=sen)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _seizure_by_niger(client: TestClient, auth_api: AuthApi, serial: str) -> dict[str, Any]:
    relay = auth_api.operator_headers(("index:write",))
    response = client.post(INDEX, json=delivery([declared_weapon(0, serial)]), headers=relay)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_seized_rifle_noted_differently_raises_a_diversion_alert(
    client: TestClient, auth_api: AuthApi
) -> None:
    _senbatt_in(client, auth_api)
    result = _seizure_by_niger(client, auth_api, "56 OOOO123")
    assert result == {"status": "indexed", "declaration_id": "decl-1", "version": 1, "alerts": 1}
    alerts = client.get(
        ALERTS, params={"kind": "diversion"}, headers=auth_api.member_state_headers("SEN")
    ).json()["items"]
    assert len(alerts) == 1
    assert alerts[0]["country"] == "SEN"
    assert alerts[0]["mission"] == "MINUSMA"
    assert alerts[0]["evidence"]["match"] == "normalized"
    assert alerts[0]["evidence"]["manifests"][0]["recorded"] == "56-0000123"


def test_diversion_is_seen_by_the_secretariat_not_by_a_third_state_nor_the_seizer(
    client: TestClient, auth_api: AuthApi
) -> None:
    _senbatt_in(client, auth_api)
    _seizure_by_niger(client, auth_api, "56 OOOO123")
    ecowas = client.get(ALERTS, headers=auth_api.secretariat_headers("ECOWAS")).json()["items"]
    assert [a["kind"] for a in ecowas] == ["diversion"]
    for third in ("GHA", "NER"):
        seen = client.get(ALERTS, headers=auth_api.member_state_headers(third))
        assert seen.status_code == 200
        assert seen.json()["items"] == []
    hidden = client.get(f"{ALERTS}/{ecowas[0]['id']}", headers=auth_api.member_state_headers("GHA"))
    assert hidden.status_code == 404


def test_trace_shows_the_manifest_and_the_seizure_in_date_order(
    client: TestClient, auth_api: AuthApi
) -> None:
    manifest_body = _senbatt_in(client, auth_api)
    _seizure_by_niger(client, auth_api, "56 OOOO123")
    traced = client.get(
        "/registry/v1/trace",
        params={"serial_number": "56-0000123"},
        headers=auth_api.secretariat_headers("ECOWAS"),
    )
    assert traced.status_code == 200, traced.text
    records = [
        (r["record"], r["record_id"], r["match"], r["country"])
        for r in traced.json()["items"]
        if r["match"] != "possible"
    ]
    assert records == [
        ("manifest_in", manifest_body["id"], "exact", "SEN"),
        ("seizure", "decl-1", "normalized", "NER"),
    ]


def test_a_possible_match_shows_in_trace_but_raises_no_alert(
    client: TestClient, auth_api: AuthApi
) -> None:
    _senbatt_in(client, auth_api)
    result = _seizure_by_niger(client, auth_api, "56-0000132")  # two digits swapped
    assert result["alerts"] == 0
    ecowas = auth_api.secretariat_headers("ECOWAS")
    assert client.get(ALERTS, headers=ecowas).json()["items"] == []
    traced = client.get(
        "/registry/v1/trace", params={"serial_number": "56-0000132"}, headers=ecowas
    ).json()["items"]
    by_record = {(r["record"], r["serial_number"]): r["match"] for r in traced}
    assert by_record[("seizure", "56-0000132")] == "exact"
    assert by_record[("manifest_in", "56-0000123")] == "possible"
