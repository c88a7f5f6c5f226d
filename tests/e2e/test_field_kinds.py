"""Records as the field makes them (issue 14, item 2): a mortar bomb, a kilogram of
explosive, a shotgun with an obliterated serial, a craft-made weapon and a rifle whose
serial is partly legible are declared, reach the index through the log-backed feed,
are traced as their serial status says, and are counted in statistics."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.e2e.test_index_feed import DELIVER, give_relay_a_client
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

DECLARATIONS = "/declarations/v1/declarations"
MORTAR_BOMB = {
    "kind": "ordnance",
    "ordnance_type": "mortar_bomb",
    "calibre": "81 mm",
    "model": "O-832DU",
    "lot_number": "12-84-117",
    "year_of_manufacture": 1984,
    "quantity": 1,
    "markings": "yellow band, stencilled lot",
}
EXPLOSIVE = {
    "kind": "explosive",
    "explosive_type": "bulk_explosive",
    "description": "commercial ammonium nitrate explosive, in sticks",
    "lot_number": "PE-22-9",
    "quantity": 1,
    "quantity_unit": "kg",
}
SHOTGUN = {
    "kind": "weapon",
    "category": "shotgun",
    "manufacturer": "Baikal",
    "model": "MP-153",
    "calibre": "12 gauge",
    "serial_status": "obliterated",
}
CRAFT_MADE = {
    "kind": "weapon",
    "category": "craft_made",
    "calibre": "12 gauge",
    "serial_status": "none",
    "markings": "single-shot, locally made",
}
PARTLY_LEGIBLE = {
    "kind": "weapon",
    "category": "assault_rifle",
    "manufacturer": "Izhmash",
    "model": "AKM",
    "calibre": "7.62x39mm",
    "serial_status": "partial",
    "serial_number": "4471",
}


def seizure(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "seizure",
        "declaring_country": "NER",
        "mission": "MINUSMA",
        "event_date": (date.today() - timedelta(days=3)).isoformat(),
        "location": {"country": "MLI", "place": "Ménaka", "lat": 15.92, "lon": 2.4},
        "items": items,
    }


def declare_and_deliver(
    client: TestClient,
    auth_api: AuthApi,
    settings: EmbeddedSettings,
    items: list[dict[str, Any]],
) -> dict[str, Any]:
    niger = auth_api.member_state_headers("NER", ("declarations:write", "register:read"))
    created = assert_status(client.post(DECLARATIONS, json=seizure(items), headers=niger), 201)
    give_relay_a_client(auth_api, settings)
    delivered = assert_status(client.post(DELIVER, headers=auth_api.admin_headers()), 200)
    assert delivered["delivered"] == 1, delivered
    return created


def traced(client: TestClient, auth_api: AuthApi, serial: str) -> list[dict[str, Any]]:
    response = client.get(
        "/registry/v1/trace",
        params={"serial_number": serial},
        headers=auth_api.operator_headers(("register:read",)),
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def counts(client: TestClient, auth_api: AuthApi, group_by: str) -> dict[str | None, Any]:
    body = assert_status(
        client.get(
            "/registry/v1/statistics",
            params={"group_by": group_by},
            headers=auth_api.operator_headers(("register:read",)),
        ),
        200,
    )
    return {
        row["key"]: (row["records"], row["quantity"], row["mass_kg"])
        for row in body["items"]
        if row["source"] == "declarations"
    }


def test_field_materiel_is_declared_indexed_and_counted(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    declare_and_deliver(
        client, auth_api, register_settings, [MORTAR_BOMB, EXPLOSIVE, SHOTGUN, CRAFT_MADE]
    )
    assert counts(client, auth_api, "kind") == {
        "explosive": (1, 0, 1.0),
        "ordnance": (1, 1, 0),
        "weapon": (2, 2, 0),
    }
    assert counts(client, auth_api, "category") == {
        None: (2, 1, 1.0),
        "craft_made": (1, 1, 0),
        "shotgun": (1, 1, 0),
    }
    assert counts(client, auth_api, "item_type") == {
        None: (2, 2, 0),
        "bulk_explosive": (1, 0, 1.0),
        "mortar_bomb": (1, 1, 0),
    }
    assert counts(client, auth_api, "serial_status") == {
        None: (2, 1, 1.0),
        "none": (1, 1, 0),
        "obliterated": (1, 1, 0),
    }


def test_ordnance_and_explosives_are_traced_by_lot_across_both_registers(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    contingent = {
        "direction": "in",
        "mission": "MINUSMA",
        "contributing_country": "SEN",
        "unit": "SENBATT 4",
        "crossing_date": "2023-02-01",
        "items": [MORTAR_BOMB | {"quantity": 120}],
    }
    manifest = client.post(
        "/registry/v1/manifests", json=contingent, headers=auth_api.member_state_headers("SEN")
    )
    assert_status(manifest, 201)
    seized = declare_and_deliver(
        client, auth_api, register_settings, [MORTAR_BOMB, EXPLOSIVE, SHOTGUN]
    )
    bombs = traced(client, auth_api, "12 84 117")
    assert sorted((r["record"], r["kind"], r["matched_on"], r["match"]) for r in bombs) == [
        ("manifest_in", "ordnance", "lot", "normalized"),
        ("seizure", "ordnance", "lot", "normalized"),
    ]
    assert {r["lot_number"] for r in bombs} == {"12-84-117"}
    explosive = traced(client, auth_api, "PE-22-9")
    assert [(r["record_id"], r["kind"], r["match"]) for r in explosive] == [
        (seized["id"], "explosive", "exact")
    ]


def test_a_partial_serial_is_traced_as_a_pattern(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    created = declare_and_deliver(client, auth_api, register_settings, [PARTLY_LEGIBLE])
    found = traced(client, auth_api, "AK 5544718")
    assert [(r["record_id"], r["match"], r["serial_status"]) for r in found] == [
        (created["id"], "possible", "partial")
    ]
    assert found[0]["serial_number"] == "4471"
    # A serial without the legible part does not match; nor does the fragment as a serial
    # of its own when the rest differs.
    assert traced(client, auth_api, "AK 5544178") == []


def test_obliterated_and_absent_serials_are_never_matched_by_serial(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    declare_and_deliver(client, auth_api, register_settings, [SHOTGUN, CRAFT_MADE])
    for query in ("none", "obliterated", "12 gauge", "***"):
        response = client.get(
            "/registry/v1/trace",
            params={"serial_number": query},
            headers=auth_api.operator_headers(("register:read",)),
        )
        assert response.status_code in (200, 422), response.text
        if response.status_code == 200:
            assert response.json()["items"] == []
