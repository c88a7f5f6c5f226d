"""A contingent is a country and a unit: rotations, unreturned alerts and holdings per unit."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.support.auth_fixtures import AuthApi

HOLDINGS = "/registry/v1/holdings"
RECONCILIATION = "/registry/v1/reconciliation"


def _post(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> None:
    response = client.post(MANIFESTS, json=body, headers=headers)
    assert response.status_code == 201, response.text


def _two_units_then_senbatt_7_closes(client: TestClient, sen: dict[str, str]) -> None:
    _post(client, sen, manifest([weapon("A-1"), weapon("B-1")], crossing_date="2024-01-10"))
    _post(
        client,
        sen,
        manifest([weapon("C-1"), weapon("D-1")], crossing_date="2024-06-01", unit="SENBATT 8"),
    )
    closing = manifest(
        [weapon("A-1")], direction="out", crossing_date="2024-12-01", closes_rotation=True
    )
    _post(client, sen, closing)


def _lines(client: TestClient, sen: dict[str, str]) -> dict[str, tuple[str, str, bool]]:
    response = client.get(RECONCILIATION, params={"mission": "MINUSCA"}, headers=sen)
    assert response.status_code == 200, response.text
    return {
        line["serial_number"]: (line["unit"], line["status"], line["rotation_ended"])
        for line in response.json()["items"]
    }


def test_closing_one_units_rotation_flags_only_that_units_weapons(
    client: TestClient, sen: dict[str, str]
) -> None:
    _two_units_then_senbatt_7_closes(client, sen)
    assert _lines(client, sen) == {
        "A-1": ("SENBATT 7", "balanced", True),
        "B-1": ("SENBATT 7", "not_taken_out", True),
        "C-1": ("SENBATT 8", "held", False),
        "D-1": ("SENBATT 8", "held", False),
    }


def test_the_unreturned_alert_lists_only_the_closing_units_weapons(
    client: TestClient, sen: dict[str, str]
) -> None:
    _two_units_then_senbatt_7_closes(client, sen)
    response = client.get("/registry/v1/alerts", params={"kind": "unreturned"}, headers=sen)
    (alert,) = response.json()["items"]
    assert alert["evidence"]["unit"] == "SENBATT 7"
    assert [(w["serial_number"], w["unit"]) for w in alert["evidence"]["weapons"]] == [
        ("B-1", "SENBATT 7")
    ]
    assert "(SENBATT 7)" in alert["summary"]


def test_a_missions_end_date_ends_every_units_rotation(
    client: TestClient, auth_api: AuthApi, sen: dict[str, str]
) -> None:
    _two_units_then_senbatt_7_closes(client, sen)
    ended = client.patch(
        "/registry/v1/missions/MINUSCA",
        json={"end_date": "2025-01-31"},
        headers=auth_api.admin_headers(),
    )
    assert ended.status_code == 200, ended.text
    lines = _lines(client, sen)
    assert lines["C-1"] == ("SENBATT 8", "not_taken_out", True)
    assert lines["B-1"] == ("SENBATT 7", "not_taken_out", True)


def test_holdings_give_the_unit_of_the_latest_in_and_filter_on_it(
    client: TestClient, sen: dict[str, str]
) -> None:
    _post(client, sen, manifest([weapon("W-1"), weapon("X-1")], unit="SENBATT 9"))
    _post(
        client,
        sen,
        manifest([weapon("W-1")], direction="out", crossing_date="2024-06-01", unit="SENBATT 9"),
    )
    # "SENBATT 9" sorts after "SENBATT 10" as text: the latest in decides, not the name.
    _post(client, sen, manifest([weapon("W-1")], crossing_date="2025-01-15", unit="SENBATT 10"))

    def held(**params: str) -> list[tuple[str, str]]:
        response = client.get(HOLDINGS, params={"mission": "MINUSCA", **params}, headers=sen)
        assert response.status_code == 200, response.text
        return [(h["serial_number"], h["unit"]) for h in response.json()["items"]]

    assert held() == [("W-1", "SENBATT 10"), ("X-1", "SENBATT 9")]
    assert held(unit="SENBATT 10") == [("W-1", "SENBATT 10")]
    assert held(unit="SENBATT 9") == [("X-1", "SENBATT 9")]
    assert held(unit="SENBATT 1") == []
