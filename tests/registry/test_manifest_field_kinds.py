"""Manifests of ordnance, explosives and shotguns (issue 14, item 2): stored as declared,
in JSON and in French CSV, counted in statistics; fields of another kind are refused by
name."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.support.responses import assert_status

MORTAR_BOMBS = {
    "kind": "ordnance",
    "ordnance_type": "mortar_bomb",
    "calibre": "81 mm",
    "manufacturer": "Hirtenberger",
    "lot_number": "HG-18-3",
    "year_of_manufacture": 2018,
    "quantity": 48,
    "markings": "HE, yellow band",
}
PLASTIC_EXPLOSIVE = {
    "kind": "explosive",
    "explosive_type": "bulk_explosive",
    "description": "plastic explosive, 1 kg blocks",
    "quantity": 25,
    "quantity_unit": "kg",
}
DETONATORS = {"kind": "explosive", "explosive_type": "detonator", "quantity": 100}
FRENCH_CSV = (
    "Type;Catégorie;Fabricant;Calibre;Numéro de série;Quantité;Type d'engin;"
    "Type d'explosif;Unité de quantité;Modèle\n"
    "arme;shotgun;Beretta;12 gauge;XA-1;;;;;1301\n"
    "engin;;Hirtenberger;60 mm;;12;Obus de mortier;;;M6C\n"
    "explosif;;;;;2;;bulk_explosive;kg;\n"
)


def _items(client: TestClient, headers: dict[str, str], manifest_id: str) -> list[dict[str, Any]]:
    body = assert_status(client.get(f"{MANIFESTS}/{manifest_id}/items", headers=headers), 200)
    items: list[dict[str, Any]] = body["items"]
    return items


def test_ordnance_explosives_and_a_shotgun_are_stored_as_declared(
    client: TestClient, sen: dict[str, str]
) -> None:
    shotgun = weapon("XA-123", category="shotgun", model="1301", calibre="12 gauge")
    items = [MORTAR_BOMBS, PLASTIC_EXPLOSIVE, DETONATORS, shotgun]
    created = assert_status(client.post(MANIFESTS, json=manifest(items), headers=sen), 201)
    stored = _items(client, sen, created["id"])
    assert [(i["kind"], i["category"], i["quantity"]) for i in stored] == [
        ("ordnance", None, 48),
        ("explosive", None, 25),
        ("explosive", None, 100),
        ("weapon", "shotgun", 1),
    ]
    assert (stored[0]["ordnance_type"], stored[0]["calibre"], stored[0]["lot_number"]) == (
        "mortar_bomb",
        "81 mm",
        "HG-18-3",
    )
    assert (stored[1]["explosive_type"], stored[1]["quantity_unit"]) == ("bulk_explosive", "kg")
    assert stored[2]["quantity_unit"] is None

    statistics = assert_status(
        client.get("/registry/v1/statistics", params={"group_by": "kind"}, headers=sen), 200
    )
    counted = {
        row["key"]: (row["records"], row["quantity"], row["mass_kg"])
        for row in statistics["items"]
        if row["source"] == "manifests"
    }
    assert counted == {"explosive": (2, 100, 25.0), "ordnance": (1, 48, 0), "weapon": (1, 1, 0)}


def test_every_field_kind_problem_is_named(client: TestClient, sen: dict[str, str]) -> None:
    items = [
        {"kind": "ordnance", "quantity": 1},
        {"kind": "explosive", "explosive_type": "detonator", "quantity_unit": "tonnes"},
        weapon("XA-9", ordnance_type="mortar_bomb", quantity_unit="kg"),
        weapon("XA-8", category="craft_made"),
    ]
    body = assert_status(client.post(MANIFESTS, json=manifest(items), headers=sen), 422)
    located = {(error["loc"], error["msg"]) for error in body["errors"]}
    assert ("items[0].ordnance_type", "required for a ordnance item") in located
    assert ("items[1].quantity", "required for a explosive item") in located
    assert any(loc == "items[1].quantity_unit" for loc, _ in located)
    assert ("items[2].ordnance_type", "only for an ordnance item") in located
    assert ("items[2].quantity_unit", "only for an explosive item") in located
    assert len(body["errors"]) == 5


def test_a_french_csv_of_field_kinds_imports(client: TestClient, sen: dict[str, str]) -> None:
    response = client.post(
        f"{MANIFESTS}/import",
        data={
            "direction": "in",
            "mission": "MINUSCA",
            "contributing_country": "SEN",
            "unit": "SENBATT 7",
            "crossing_date": "2024-03-01",
        },
        files={"file": ("m.csv", FRENCH_CSV.replace("Obus de mortier", "mortar_bomb").encode())},
        headers=sen,
    )
    created = assert_status(response, 201)
    stored = _items(client, sen, created["id"])
    assert [
        (i["kind"], i["category"], i["ordnance_type"], i["explosive_type"]) for i in stored
    ] == [
        ("weapon", "shotgun", None, None),
        ("ordnance", None, "mortar_bomb", None),
        ("explosive", None, None, "bulk_explosive"),
    ]
    assert stored[2]["quantity_unit"] == "kg"


def test_an_unknown_ordnance_type_in_a_csv_names_its_row_and_column(
    client: TestClient, sen: dict[str, str]
) -> None:
    response = client.post(
        f"{MANIFESTS}/import",
        data={
            "direction": "in",
            "mission": "MINUSCA",
            "contributing_country": "SEN",
            "unit": "SENBATT 7",
            "crossing_date": "2024-03-01",
        },
        files={"file": ("m.csv", FRENCH_CSV.encode())},
        headers=sen,
    )
    body = assert_status(response, 422)
    assert [error["loc"] for error in body["errors"]] == ["row 3, column G (Type d'engin)"]


def test_shotguns_and_craft_made_weapons_are_categories_with_their_labels(
    client: TestClient, sen: dict[str, str]
) -> None:
    body = assert_status(client.get("/registry/v1/reference/categories", headers=sen), 200)
    labels = {item["code"]: (item["label_en"], item["label_fr"]) for item in body["items"]}
    assert labels["shotgun"] == ("Shotguns", "Fusils de chasse")
    assert labels["craft_made"] == ("Craft-made weapons", "Armes de fabrication artisanale")
    assert len(labels) == 16
