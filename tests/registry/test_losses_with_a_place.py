"""Losses with a place (issue 14, item 4): a loss report says where and how the materiel
was lost, and losses appear in statistics and on the statistics map beside recoveries,
within the tenancy of loss reports."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

LOSS = "/registry/v1/loss-reports"
STATS = "/registry/v1/statistics"
MAP = f"{STATS}/locations.geojson"
AMBUSH_NEAR_BAMBARI = {"lat": 5.76, "lon": 20.67}


def _report(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "mission": "MINUSCA",
        "contributing_country": "SEN",
        "loss_type": "captured_in_attack",
        "loss_date": "2024-05-01",
        "place": "Bambari-Ippy road, 12 km north of Bambari",
        "circumstance": "ambush",
        "coordinates": AMBUSH_NEAR_BAMBARI,
        "circumstances": "Convoy ambushed; two rifles taken",
        "items": [{"kind": "weapon", "serial_number": "AK-1"}],
    }
    body.update(overrides)
    return body


def _lose_two_rifles(client: TestClient, sen: dict[str, str]) -> dict[str, Any]:
    assert_status(
        client.post(MANIFESTS, json=manifest([weapon("AK-1"), weapon("AK-2")]), headers=sen)
    )
    items = [
        {"kind": "weapon", "serial_number": "AK-1"},
        {"kind": "weapon", "serial_number": "AK-2"},
    ]
    return assert_status(client.post(LOSS, json=_report(items=items), headers=sen), 201)


def test_a_loss_report_keeps_its_circumstance_and_coordinates(
    client: TestClient, sen: dict[str, str]
) -> None:
    created = _lose_two_rifles(client, sen)
    assert (created["circumstance"], created["coordinates"]) == ("ambush", AMBUSH_NEAR_BAMBARI)
    stored = assert_status(client.get(f"{LOSS}/{created['id']}", headers=sen), 200)
    assert stored["circumstance"] == "ambush"
    assert stored["coordinates"] == AMBUSH_NEAR_BAMBARI
    assert stored["place"] == "Bambari-Ippy road, 12 km north of Bambari"


def test_a_loss_shows_on_the_map_beside_a_recovery(
    client: TestClient, sen: dict[str, str], auth_api: AuthApi
) -> None:
    created = _lose_two_rifles(client, sen)
    relay = auth_api.operator_headers(("index:write",))
    assert_status(
        client.post(INDEX, json=delivery([declared_weapon(0, "X-1")]), headers=relay), 200
    )
    ecowas = auth_api.secretariat_headers("ECOWAS")
    features = assert_status(client.get(MAP, headers=ecowas), 200)["features"]
    # Oldest first: the loss (1 May 2024) before the seizure (10 May 2024).
    loss, seizure = features
    assert loss["geometry"] == {"type": "Point", "coordinates": [20.67, 5.76]}
    assert loss["properties"] == {
        "record": "loss",
        "loss_report_id": created["id"],
        "type": "loss",
        "loss_type": "captured_in_attack",
        "circumstance": "ambush",
        "contributing_country": "SEN",
        "mission": "MINUSCA",
        "event_date": "2024-05-01",
        "place": "Bambari-Ippy road, 12 km north of Bambari",
        "item_count": 2,
    }
    assert (seizure["properties"]["record"], seizure["properties"]["type"]) == (
        "declaration",
        "seizure",
    )
    only_losses = assert_status(client.get(MAP, params={"type": "loss"}, headers=ecowas), 200)
    assert [f["properties"]["record"] for f in only_losses["features"]] == ["loss"]
    seizures = assert_status(client.get(MAP, params={"type": "seizure"}, headers=ecowas), 200)
    assert [f["properties"]["record"] for f in seizures["features"]] == ["declaration"]
    one = assert_status(client.get(MAP, params={"limit": 1}, headers=ecowas), 200)
    assert [f["properties"]["record"] for f in one["features"]] == ["loss"]
    assert one["truncated"] is True


def test_losses_are_counted_in_statistics_by_circumstance_and_type(
    client: TestClient, sen: dict[str, str]
) -> None:
    _lose_two_rifles(client, sen)
    assert_status(client.post(MANIFESTS, json=manifest([weapon("AK-3")]), headers=sen))
    stolen = _report(
        loss_type="stolen",
        circumstance="theft_from_armoury",
        coordinates=None,
        place="Camp Kassaï armoury",
        loss_date="2025-01-10",
        items=[{"kind": "weapon", "serial_number": "AK-3"}],
    )
    assert_status(client.post(LOSS, json=stolen, headers=sen), 201)

    def losses(group_by: str) -> dict[str | None, tuple[int, int]]:
        body = assert_status(client.get(STATS, params={"group_by": group_by}, headers=sen), 200)
        return {
            row["key"]: (row["records"], row["quantity"])
            for row in body["items"]
            if row["source"] == "loss_reports"
        }

    assert losses("circumstance") == {"ambush": (2, 2), "theft_from_armoury": (1, 1)}
    assert losses("type") == {"captured_in_attack": (2, 2), "stolen": (1, 1)}
    assert losses("year") == {"2024": (2, 2), "2025": (1, 1)}
    assert losses("category") == {None: (3, 3)}
    by_circumstance = client.get(STATS, params={"group_by": "circumstance"}, headers=sen).json()
    # Only losses have a circumstance: manifests and declarations give no rows then.
    assert {row["source"] for row in by_circumstance["items"]} == {"loss_reports"}
    # A loss without coordinates is counted but not mapped.
    features = client.get(MAP, params={"type": "loss"}, headers=sen).json()["features"]
    assert [f["properties"]["circumstance"] for f in features] == ["ambush"]


def test_losses_are_seen_within_the_tenancy_of_loss_reports(
    client: TestClient, sen: dict[str, str], auth_api: AuthApi
) -> None:
    _lose_two_rifles(client, sen)
    ghana = auth_api.member_state_headers("GHA")
    assert client.get(MAP, headers=ghana).json()["features"] == []
    by_country = client.get(STATS, params={"group_by": "country"}, headers=ghana).json()
    assert by_country["items"] == []
    ecowas = client.get(
        STATS, params={"group_by": "country"}, headers=auth_api.secretariat_headers("ECOWAS")
    ).json()
    assert ("loss_reports", "SEN", 2) in {
        (r["source"], r["key"], r["records"]) for r in ecowas["items"]
    }
    eccas = client.get(MAP, headers=auth_api.secretariat_headers("ECCAS")).json()
    assert eccas["features"] == []


def test_bad_coordinates_and_an_unknown_circumstance_are_each_named(
    client: TestClient, sen: dict[str, str]
) -> None:
    assert_status(client.post(MANIFESTS, json=manifest([weapon("AK-1")]), headers=sen))
    body = _report(circumstance="looting", coordinates={"lat": 95, "lon": -200})
    response = client.post(LOSS, json=body, headers=sen)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    locs = {e["loc"] for e in response.json()["errors"]}
    assert locs == {"circumstance", "coordinates.lat", "coordinates.lon"}
    half = client.post(LOSS, json=_report(coordinates={"lat": 5.7}), headers=sen)
    assert half.status_code == 422
    assert {e["loc"] for e in half.json()["errors"]} == {"coordinates.lon"}
    assert client.get(LOSS, headers=sen).json()["items"] == []


def test_a_loss_report_without_where_and_how_reads_with_them_null(
    client: TestClient, sen: dict[str, str]
) -> None:
    assert_status(client.post(MANIFESTS, json=manifest([weapon("AK-1")]), headers=sen))
    body = _report()
    del body["circumstance"], body["coordinates"]
    created = assert_status(client.post(LOSS, json=body, headers=sen), 201)
    assert (created["circumstance"], created["coordinates"]) == (None, None)
    assert client.get(MAP, headers=sen).json()["features"] == []


def test_the_circumstances_are_listed_with_english_and_french_labels(
    client: TestClient, sen: dict[str, str]
) -> None:
    listed = assert_status(
        client.get("/registry/v1/reference/loss-circumstances", headers=sen), 200
    )["items"]
    codes = [item["code"] for item in listed]
    assert codes == ["ambush", "attack_on_base", "theft_from_armoury", "accident", "other"]
    assert listed[2]["label_fr"] == "Vol dans une armurerie"
    # Every listed code is one a report accepts (and the database stores).
    assert_status(
        client.post(MANIFESTS, json=manifest([weapon(f"R-{c}") for c in codes]), headers=sen)
    )
    for code in codes:
        body = _report(circumstance=code, items=[{"kind": "weapon", "serial_number": f"R-{code}"}])
        assert_status(client.post(LOSS, json=body, headers=sen), 201)
