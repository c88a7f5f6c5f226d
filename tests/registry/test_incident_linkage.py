"""Linkage is across incidents, never within one (issue 14, item 3): the index keeps the
incident each declaration names, and a declaration naming none is an incident of its own."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.registry.factories import INDEX, declared_weapon, delivery
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

AMBUSH = "0b3c1d7e-8a4f-4c21-9d8e-5f6a7b8c9d01"
CACHE = "7e2f4a90-1b3c-4d5e-8f70-a1b2c3d4e5f6"


def _incident(incident_id: str, presumed_user: str = "unknown gunmen") -> dict[str, Any]:
    return {
        "id": incident_id,
        "type": "attack_on_mission",
        "date": "2024-05-10",
        "country": "MLI",
        "presumed_user": presumed_user,
    }


def _deliver(client: TestClient, auth_api: AuthApi, body: dict[str, Any]) -> int:
    response = client.post(INDEX, json=body, headers=auth_api.operator_headers(("index:write",)))
    return int(assert_status(response, 200)["alerts"])


def _rifles(
    declaration_id: str, country: str, incident_id: str | None, presumed_user: str = "gunmen"
) -> dict[str, Any]:
    item = declared_weapon(0, None, year_of_manufacture=2015, manufacturer="Izhmash")
    extra: dict[str, Any] = {"incident_id": incident_id}
    if incident_id is not None:
        extra["incident"] = _incident(incident_id, presumed_user)
    return delivery([item], declaration_id=declaration_id, country=country, **extra)


def test_rifles_of_one_signature_link_across_incidents_but_not_within_one(
    client: TestClient, auth_api: AuthApi
) -> None:
    assert _deliver(client, auth_api, _rifles("decl-1", "NER", AMBUSH)) == 0
    assert _deliver(client, auth_api, _rifles("decl-2", "MLI", AMBUSH)) == 0  # same ambush
    assert _deliver(client, auth_api, _rifles("decl-3", "NER", CACHE)) == 2  # with each
    assert _deliver(client, auth_api, _rifles("decl-4", "SEN", None)) == 3  # its own incident


def test_the_incidents_presumed_user_resolves_to_a_group_and_must_be_the_named_incident(
    client: TestClient, auth_api: AuthApi
) -> None:
    # "Katiba Massina" is an alias of Katibat Macina, part of JNIM (listed): the
    # ISIL/Al-Qaida entry covers the rifle, made after 2002.
    assert _deliver(client, auth_api, _rifles("decl-1", "NER", AMBUSH, "Katiba Massina")) == 1
    alerts = client.get(
        "/registry/v1/alerts", params={"kind": "embargo"}, headers=auth_api.operator_headers()
    )
    (alert,) = assert_status(alerts, 200)["items"]
    assert alert["evidence"]["armed_group"] == "KATIBAT_MACINA"
    mismatched = _rifles("decl-2", "NER", AMBUSH) | {"incident": _incident(CACHE)}
    refused = client.post(
        INDEX, json=mismatched, headers=auth_api.operator_headers(("index:write",))
    )
    assert refused.status_code == 422


def _cases(declaration_id: str, incident_id: str, headstamp: str = "711 15") -> dict[str, Any]:
    item = {
        "item_index": 0,
        "kind": "ammunition",
        "calibre": "7.62x39mm",
        "headstamp": headstamp,
        "condition": "fired",
        "quantity": 12,
    }
    return delivery(
        [item],
        declaration_id=declaration_id,
        incident_id=incident_id,
        incident=_incident(incident_id),
    )


def test_after_a_groups_alert_is_closed_a_new_member_raises_a_new_one_naming_all(
    client: TestClient, auth_api: AuthApi
) -> None:
    third = "c0ffee00-0000-4000-8000-000000000003"
    assert _deliver(client, auth_api, _cases("decl-1", AMBUSH)) == 0
    assert _deliver(client, auth_api, _cases("decl-2", CACHE)) == 1
    ecowas = auth_api.secretariat_headers("ECOWAS")
    (first,) = assert_status(
        client.get("/registry/v1/alerts", params={"kind": "linkage"}, headers=ecowas), 200
    )["items"]
    etag = client.get(f"/registry/v1/alerts/{first['id']}", headers=ecowas).headers["ETag"]
    closed = client.post(
        f"/registry/v1/alerts/{first['id']}/close",
        json={"outcome": "other", "note": "traced"},
        headers={**ecowas, "If-Match": etag},
    )
    assert_status(closed, 200)
    assert _deliver(client, auth_api, _cases("decl-3", third)) == 1
    assert _deliver(client, auth_api, _cases("decl-4", third, "711 14")) == 0
    alerts = assert_status(
        client.get("/registry/v1/alerts", params={"kind": "linkage"}, headers=ecowas), 200
    )["items"]
    assert [a["status"] for a in alerts] == ["closed", "open"]
    named = [d["declaration_id"] for d in alerts[1]["evidence"]["declarations"]]
    assert sorted(named) == ["decl-1", "decl-2", "decl-3"]
