"""Declarations of field materiel (issue 14, item 2): ordnance, explosives, shotguns,
craft-made weapons and a weapon's serial status, each as its kind's rules say; old
records keep exactly what they declared."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.declarations.support import Callers, declaration, destruction, weapon
from tests.support.responses import assert_status

URL = "/declarations/v1/declarations"
MORTAR_BOMB = {
    "kind": "ordnance",
    "ordnance_type": "mortar_bomb",
    "calibre": "81 mm",
    "quantity": 3,
}
KILOGRAM = {
    "kind": "explosive",
    "explosive_type": "bulk_explosive",
    "quantity": 1,
    "quantity_unit": "kg",
}
OBLITERATED_SHOTGUN = {
    "kind": "weapon",
    "category": "shotgun",
    "manufacturer": "Baikal",
    "model": "MP-153",
    "calibre": "12 gauge",
    "serial_status": "obliterated",
}
CRAFT_MADE = {"kind": "weapon", "category": "craft_made", "calibre": "12", "serial_status": "none"}


def _post(client: TestClient, callers: Callers, items: list[dict[str, Any]]) -> Any:
    return client.post(URL, json=declaration(items=items), headers=callers.state("SEN"))


def _record(client: TestClient, callers: Callers, declaration_id: str) -> dict[str, Any]:
    view = assert_status(client.get(f"{URL}/{declaration_id}", headers=callers.state("SEN")), 200)
    record: dict[str, Any] = view["record"]
    return record


def test_ordnance_explosives_and_weapons_without_a_serial_are_recorded_as_declared(
    client: TestClient, callers: Callers
) -> None:
    created = assert_status(
        _post(client, callers, [MORTAR_BOMB, KILOGRAM, OBLITERATED_SHOTGUN, CRAFT_MADE]), 201
    )
    assert _record(client, callers, created["id"])["items"] == [
        MORTAR_BOMB,
        KILOGRAM,
        OBLITERATED_SHOTGUN,
        CRAFT_MADE,
    ]


def test_a_weapon_declared_as_before_keeps_its_record_unchanged(
    client: TestClient, callers: Callers
) -> None:
    created = assert_status(_post(client, callers, [weapon()]), 201)
    assert _record(client, callers, created["id"])["items"] == [weapon()]


def test_every_serial_status_problem_is_named(client: TestClient, callers: Callers) -> None:
    response = _post(
        client,
        callers,
        [
            weapon(serial_status="obliterated"),
            {k: v for k, v in weapon(serial_status="partial").items() if k != "serial_number"},
            {k: v for k, v in weapon().items() if k not in ("manufacturer", "model")},
            {"kind": "ordnance", "quantity": 1},
            {**KILOGRAM, "quantity_unit": "tonnes"},
        ],
    )
    body = assert_status(response, 422)
    assert {(error["loc"], error["msg"]) for error in body["errors"]} == {
        ("items[0].weapon_without_serial.serial_number", "Extra inputs are not permitted"),
        ("items[1].weapon.serial_number", "Field required"),
        ("items[2].weapon.manufacturer", "Field required"),
        ("items[2].weapon.model", "Field required"),
        ("items[3].ordnance.ordnance_type", "Field required"),
        ("items[4].explosive.quantity_unit", "Input should be 'units', 'kg' or 'g'"),
    }


def test_a_craft_made_weapon_needs_a_serial_unless_its_status_says_there_is_none(
    client: TestClient, callers: Callers
) -> None:
    unmarked = {k: v for k, v in CRAFT_MADE.items() if k != "serial_status"}
    body = assert_status(_post(client, callers, [unmarked]), 422)
    assert [(e["loc"], e["msg"]) for e in body["errors"]] == [
        (
            "items[0].craft_made_weapon",
            "Value error, serial_number is required when serial_status is present",
        )
    ]
    assert_status(_post(client, callers, [unmarked | {"serial_number": "GH-0001"}]), 201)


def test_destroying_field_materiel_matches_what_was_seized(
    client: TestClient, callers: Callers
) -> None:
    seized = assert_status(
        _post(client, callers, [MORTAR_BOMB, KILOGRAM, OBLITERATED_SHOTGUN, CRAFT_MADE]), 201
    )
    destroyed = client.post(
        URL,
        json=destruction([seized["id"]], [MORTAR_BOMB, KILOGRAM, OBLITERATED_SHOTGUN, CRAFT_MADE]),
        headers=callers.state("SEN"),
    )
    assert_status(destroyed, 201)
    assert _record(client, callers, destroyed.json()["id"]).get("undeclared", False) is False


def test_two_shotguns_with_obliterated_serials_are_two_weapons_not_one_repeated(
    client: TestClient, callers: Callers
) -> None:
    assert_status(_post(client, callers, [OBLITERATED_SHOTGUN, OBLITERATED_SHOTGUN]), 201)


def test_an_obliterated_weapon_whose_makers_marks_went_with_its_serial_is_recorded(
    client: TestClient, callers: Callers
) -> None:
    # Filing off a serial often takes the maker's marks too: maker and model are then
    # unknown, and the weapon is still declared, as found.
    unmarked = {k: v for k, v in OBLITERATED_SHOTGUN.items() if k not in ("manufacturer", "model")}
    created = assert_status(_post(client, callers, [unmarked]), 201)
    [item] = _record(client, callers, created["id"])["items"]
    assert item == unmarked
