"""Custody matches makers and calibres by the shared match keys, aliases resolved."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.declarations.support import Callers, ammunition, declaration, destruction, weapon

URL = "/declarations/v1/declarations"


def test_an_undeclared_weapon_destroyed_under_two_spellings_is_destroyed_once(
    client: TestClient, callers: Callers
) -> None:
    first = destruction([], [weapon("AK-77", manufacturer="Izhmash")], undeclared=True)
    assert client.post(URL, json=first, headers=callers.state("SEN")).status_code == 201
    second = destruction([], [weapon("AK-77", manufacturer="Концерн Калашников")], undeclared=True)
    again = client.post(URL, json=second, headers=callers.state("SEN"))
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "already_destroyed"


def test_two_spellings_of_one_weapon_in_one_declaration_are_one_item(
    client: TestClient, callers: Callers
) -> None:
    items = [weapon("AK-78", manufacturer="H&K"), weapon("AK-78", manufacturer="Heckler & Koch")]
    response = client.post(URL, json=declaration(items=items), headers=callers.state("SEN"))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == "items[1]"


def test_ammunition_is_matched_by_calibre_alias(client: TestClient, callers: Callers) -> None:
    seized = client.post(
        URL,
        json=declaration(items=[ammunition("LOT-9") | {"calibre": "7.62x39mm M43"}]),
        headers=callers.state("SEN"),
    )
    assert seized.status_code == 201, seized.text
    body = destruction([seized.json()["id"]], [ammunition("LOT-9") | {"calibre": "7,62 x 39"}])
    response = client.post(URL, json=body, headers=callers.state("SEN"))
    assert response.status_code == 201, response.text
