"""Destruction: references, items matched by normalized identity, never destroyed twice."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.declarations.support import Callers, declaration, destruction, weapon
from tests.support.responses import assert_status

URL = "/declarations/v1/declarations"


def _seize(client: TestClient, callers: Callers, *serials: str) -> str:
    body = declaration(items=[weapon(s) for s in serials])
    response = client.post(URL, json=body, headers=callers.state("SEN"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_destroying_declared_items_is_accepted_even_with_messy_serials(
    client: TestClient, callers: Callers
) -> None:
    seized = _seize(client, callers, "AK-123456", "AK-999")
    # Same weapons, as read off worn metal: spaces, letter O for zero, case.
    items = [weapon("ak 123456"), weapon("AK-999", manufacturer="IZHMASH")]
    response = client.post(URL, json=destruction([seized], items), headers=callers.state("SEN"))
    assert response.status_code == 201, response.text
    view = client.get(f"{URL}/{response.json()['id']}", headers=callers.state("SEN")).json()
    assert view["undeclared"] is False
    assert view["record"]["destruction"]["method"] == "cutting"


def test_an_item_cannot_be_destroyed_twice(client: TestClient, callers: Callers) -> None:
    seized = _seize(client, callers, "AK-1")
    first = client.post(
        URL, json=destruction([seized], [weapon("AK-1")]), headers=callers.state("SEN")
    )
    assert first.status_code == 201
    again = client.post(
        URL, json=destruction([seized], [weapon("AK 1")]), headers=callers.state("SEN")
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_destroyed"
    assert again.json()["errors"][0]["loc"] == "items[0]"


def test_destroying_undeclared_materiel_is_refused_without_the_flag(
    client: TestClient, callers: Callers
) -> None:
    seized = _seize(client, callers, "AK-1")
    body = destruction([seized], [weapon("AK-1"), weapon("XYZ-404")])
    response = client.post(URL, json=body, headers=callers.state("SEN"))
    assert response.status_code == 422
    assert response.json()["code"] == "undeclared_materiel"
    assert [e["loc"] for e in response.json()["errors"]] == ["items[1]"]


def test_undeclared_destruction_is_recorded_and_listed_for_secretariats(
    client: TestClient, callers: Callers
) -> None:
    body = destruction([], [weapon("XYZ-404")], undeclared=True)
    created = client.post(URL, json=body, headers=callers.state("SEN"))
    assert created.status_code == 201, created.text
    _seize(client, callers, "AK-1")
    listed = client.get(URL, params={"undeclared": "true"}, headers=callers.secretariat()).json()[
        "items"
    ]
    assert [d["id"] for d in listed] == [created.json()["id"]]
    assert listed[0]["undeclared"] is True


def test_references_must_be_the_states_own_declarations(
    client: TestClient, callers: Callers
) -> None:
    other = assert_status(client.post(URL, json=declaration("CIV"), headers=callers.state("CIV")))[
        "id"
    ]
    body = destruction([other, "00000000-0000-4000-8000-000000000000"], [weapon()])
    response = client.post(URL, json=body, headers=callers.state("SEN"))
    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["errors"]]
    assert locs[:2] == ["references[0]", "references[1]"]


def test_a_destruction_needs_its_method(client: TestClient, callers: Callers) -> None:
    seized = _seize(client, callers, "AK-1")
    body = destruction([seized], [weapon("AK-1")])
    del body["destruction"]
    response = client.post(URL, json=body, headers=callers.state("SEN"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "destruction"


def test_the_same_weapon_twice_in_one_destruction_is_refused(
    client: TestClient, callers: Callers
) -> None:
    seized = _seize(client, callers, "AK-1")
    body = destruction([seized], [weapon("AK-1"), weapon("ak 1")])
    response = client.post(URL, json=body, headers=callers.state("SEN"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "items[1]"
