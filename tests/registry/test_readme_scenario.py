"""The newcomer's walkthrough: in by JSON and French CSV, out missing some, see exactly those."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.registry.factories import MANIFESTS, ammunition, manifest, weapon
from tests.support.responses import assert_status

FRENCH_CSV = (
    "Type;Catégorie;Fabricant;Modèle;Calibre;Numéro de série;Année de fabrication;"
    "Numéro de lot;Quantité\n"
    "arme;assault_rifle;KALASHNIKOV;AK-103;7,62 × 39 mm;KC-000301;2016;;\n"
    "arme;revolver_pistol;FN Herstal;Five-seveN;5,7 x 28;386C-0302;2019;;\n"
    "munitions;;;;7,62 x 39 mm;;2021;LOT-2021-7;5000\n"
)


def test_out_missing_weapons_shows_exactly_those_in_reconciliation(
    client: TestClient, sen: dict[str, str]
) -> None:
    json_in = client.post(
        MANIFESTS,
        json=manifest([weapon("KC-000101"), weapon("KC-000102"), weapon("KC-000103")]),
        headers=sen,
    )
    assert json_in.status_code == 201, json_in.text
    csv_in = client.post(
        f"{MANIFESTS}/import",
        data={
            "direction": "in",
            "mission": "MINUSCA",
            "contributing_country": "SEN",
            "unit": "SENBATT 7",
            "crossing_date": "2024-03-02",
        },
        files={"file": ("manifeste.csv", FRENCH_CSV.encode("utf-8"), "text/csv")},
        headers=sen,
    )
    assert csv_in.status_code == 201, csv_in.text
    assert csv_in.json()["item_count"] == 3
    # Out at rotation end, typed differently in the field: same weapons by normalized key.
    out = client.post(
        MANIFESTS,
        json=manifest(
            [
                weapon("kc 000101"),
                weapon("KC-OOO3O1", manufacturer="Izhmash"),
                weapon(
                    "386C 0302",
                    category="revolver_pistol",
                    manufacturer="FN Herstal",
                    model="Five-seveN",
                    calibre="5.7x28mm",
                ),
                ammunition("lot-2021-7", 5000, calibre="7.62x39"),
            ],
            direction="out",
            crossing_date="2025-03-01",
            closes_rotation=True,
        ),
        headers=sen,
    )
    assert out.status_code == 201, out.text

    page = client.get(
        "/registry/v1/reconciliation",
        params={"mission": "MINUSCA", "country": "SEN", "discrepancies_only": "true"},
        headers=sen,
    ).json()
    missing = {line["serial_number"] for line in page["items"]}
    assert missing == {"KC-000102", "KC-000103"}
    assert all(line["status"] == "not_taken_out" for line in page["items"])
    assert page["items"][0]["evidence"][0]["id"] == json_in.json()["id"]

    held = client.get("/registry/v1/holdings", params={"mission": "MINUSCA"}, headers=sen)
    assert {h["serial_number"] for h in held.json()["items"]} == missing


def test_reconciliation_lists_discrepancies_before_balanced_lines(
    client: TestClient, sen: dict[str, str]
) -> None:
    assert_status(
        client.post(MANIFESTS, json=manifest([weapon("A-1"), weapon("Z-9")]), headers=sen)
    )
    assert_status(
        client.post(
            MANIFESTS,
            json=manifest(
                [weapon("A-1")], direction="out", crossing_date="2024-06-01", closes_rotation=True
            ),
            headers=sen,
        )
    )
    lines = client.get(
        "/registry/v1/reconciliation", params={"mission": "MINUSCA"}, headers=sen
    ).json()["items"]
    assert [(x["serial_number"], x["discrepancy"]) for x in lines] == [
        ("Z-9", True),
        ("A-1", False),
    ]
