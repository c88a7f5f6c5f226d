"""Loss reports refer to declared materiel; missions are reference data."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.registry.factories import MANIFESTS, ammunition, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

LOSS = "/registry/v1/loss-reports"


def _report(items: list[dict[str, object]]) -> dict[str, object]:
    return {
        "mission": "MINUSCA",
        "contributing_country": "SEN",
        "loss_type": "captured_in_attack",
        "loss_date": "2024-05-01",
        "place": "Bambari",
        "circumstances": "Base overrun",
        "items": items,
    }


def test_unknown_serial_is_named_and_nothing_is_stored(
    client: TestClient, sen: dict[str, str]
) -> None:
    assert_status(client.post(MANIFESTS, json=manifest([weapon("AK-1")]), headers=sen))
    items = [
        {"kind": "weapon", "serial_number": "ak 1"},
        {"kind": "weapon", "serial_number": "GHOST-7"},
    ]
    response = client.post(LOSS, json=_report(items), headers=sen)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "loc": "items[1].serial_number",
            "msg": "no weapon with serial 'GHOST-7' was declared in by this contingent in this "
            "mission",
        }
    ]
    assert client.get(LOSS, headers=sen).json()["items"] == []


def test_a_loss_leaves_holdings_and_shows_in_reconciliation(
    client: TestClient, sen: dict[str, str]
) -> None:
    assert_status(
        client.post(
            MANIFESTS, json=manifest([weapon("AK-1"), ammunition("L-7", 1000)]), headers=sen
        )
    )
    items = [
        {"kind": "weapon", "serial_number": "AK-1"},
        {"kind": "ammunition", "calibre": "7,62x39", "lot_number": "l-7", "quantity": 300},
    ]
    created = client.post(LOSS, json=_report(items), headers=sen)
    assert created.status_code == 201, created.text
    assert created.json()["items"][0]["manufacturer"] == "Kalashnikov Concern"
    held = client.get("/registry/v1/holdings?mission=MINUSCA", headers=sen).json()["items"]
    assert [(h["kind"], h["quantity"]) for h in held] == [("ammunition", 700)]
    lines = client.get(
        "/registry/v1/reconciliation?mission=MINUSCA&kind=weapon", headers=sen
    ).json()["items"]
    assert lines[0]["quantity_lost"] == 1
    assert lines[0]["evidence"][-1] == {
        "movement": "lost",
        "record": "loss_report",
        "id": created.json()["id"],
        "date": "2024-05-01",
    }


def test_losing_more_rounds_than_held_is_refused(client: TestClient, sen: dict[str, str]) -> None:
    assert_status(client.post(MANIFESTS, json=manifest([ammunition("L-7", 100)]), headers=sen))
    items = [{"kind": "ammunition", "calibre": "7.62x39mm", "lot_number": "L-7", "quantity": 101}]
    response = client.post(LOSS, json=_report(items), headers=sen)
    assert response.status_code == 422
    (problem,) = response.json()["errors"]
    assert problem["loc"] == "items[0]"
    assert "more than the contingent holds" in problem["msg"]


def test_loss_report_is_404_for_another_state(
    client: TestClient, sen: dict[str, str], civ: dict[str, str]
) -> None:
    assert_status(client.post(MANIFESTS, json=manifest([weapon("AK-1")]), headers=sen))
    report = _report([{"kind": "weapon", "serial_number": "AK-1"}])
    created = assert_status(client.post(LOSS, json=report, headers=sen))
    assert client.get(f"{LOSS}/{created['id']}", headers=sen).status_code == 200
    assert client.get(f"{LOSS}/{created['id']}", headers=civ).status_code == 404


def test_seeded_missions_are_readable_by_any_caller(
    client: TestClient, sen: dict[str, str]
) -> None:
    minusma = client.get("/registry/v1/missions/minusma", headers=sen).json()
    assert minusma["host_countries"] == ["MLI"]
    assert minusma["end_date"] == "2023-12-31"
    codes = {
        m["code"]
        for m in client.get("/registry/v1/missions?limit=1000", headers=sen).json()["items"]
    }
    assert {
        "MINUSCA",
        "MONUSCO",
        "UNMISS",
        "UNOCI",
        "UNMIL",
        "ECOMIG",
        "ECOMIB",
        "MNJTF",
        "AMISOM",
        "ATMIS",
        "MINURSO",
        "UNISFA",
    } <= codes
    assert client.get("/registry/v1/missions/NOPE", headers=sen).status_code == 404


def test_operator_and_secretariat_add_missions_member_states_do_not(
    client: TestClient, auth_api: AuthApi, sen: dict[str, str]
) -> None:
    body = {
        "code": "MISAC",
        "name": "Test mission",
        "authority": "ECCAS",
        "host_countries": ["CAF"],
        "start_date": "2026-01-01",
    }
    assert client.post("/registry/v1/missions", json=body, headers=sen).status_code == 403
    created = client.post("/registry/v1/missions", json=body, headers=auth_api.admin_headers())
    assert created.status_code == 201, created.text
    again = client.post("/registry/v1/missions", json=body, headers=auth_api.admin_headers())
    assert again.status_code == 409
    other = {**body, "code": "ECCAS-2", "host_countries": ["XXX"]}
    eccas = auth_api.secretariat_headers("ECCAS")
    assert client.post("/registry/v1/missions", json=other, headers=eccas).status_code == 422
    other["host_countries"] = ["TCD"]
    assert client.post("/registry/v1/missions", json=other, headers=eccas).status_code == 201


def test_categories_have_the_sixteen_codes_in_english_and_french(
    client: TestClient, sen: dict[str, str]
) -> None:
    items = client.get("/registry/v1/reference/categories", headers=sen).json()["items"]
    assert len(items) == 16  # the contract's 14, shotgun and craft_made (issue 14)
    assert all(i["label_en"] and i["label_fr"] for i in items)
    assert client.get("/registry/v1/reference/ammunition-types", headers=sen).status_code == 200
