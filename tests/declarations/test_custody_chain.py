"""Destruction: references, items matched by normalized identity, never destroyed twice."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.declarations.support import declaration, destruction, secretariat, state, weapon

URL = "/declarations/v1/declarations"


def _seize(api: TestClient, *serials: str) -> str:
    body = declaration(items=[weapon(s) for s in serials])
    response = api.post(URL, json=body, headers=state("SEN"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_destroying_declared_items_is_accepted_even_with_messy_serials(api: TestClient) -> None:
    seized = _seize(api, "AK-123456", "AK-999")
    # Same weapons, as read off worn metal: spaces, letter O for zero, case.
    items = [weapon("ak 123456"), weapon("AK-999", manufacturer="IZHMASH")]
    response = api.post(URL, json=destruction([seized], items), headers=state("SEN"))
    assert response.status_code == 201, response.text
    view = api.get(f"{URL}/{response.json()['id']}", headers=state("SEN")).json()
    assert view["undeclared"] is False
    assert view["record"]["destruction"]["method"] == "cutting"


def test_an_item_cannot_be_destroyed_twice(api: TestClient) -> None:
    seized = _seize(api, "AK-1")
    first = api.post(URL, json=destruction([seized], [weapon("AK-1")]), headers=state("SEN"))
    assert first.status_code == 201
    again = api.post(URL, json=destruction([seized], [weapon("AK 1")]), headers=state("SEN"))
    assert again.status_code == 409
    assert again.json()["code"] == "already_destroyed"
    assert again.json()["errors"][0]["loc"] == "items[0]"


def test_destroying_undeclared_materiel_is_refused_without_the_flag(api: TestClient) -> None:
    seized = _seize(api, "AK-1")
    body = destruction([seized], [weapon("AK-1"), weapon("XYZ-404")])
    response = api.post(URL, json=body, headers=state("SEN"))
    assert response.status_code == 422
    assert response.json()["code"] == "undeclared_materiel"
    assert [e["loc"] for e in response.json()["errors"]] == ["items[1]"]


def test_undeclared_destruction_is_recorded_and_listed_for_secretariats(api: TestClient) -> None:
    body = destruction([], [weapon("XYZ-404")], undeclared=True)
    created = api.post(URL, json=body, headers=state("SEN"))
    assert created.status_code == 201, created.text
    _seize(api, "AK-1")
    listed = api.get(URL, params={"undeclared": "true"}, headers=secretariat()).json()["items"]
    assert [d["id"] for d in listed] == [created.json()["id"]]
    assert listed[0]["undeclared"] is True


def test_references_must_be_the_states_own_declarations(api: TestClient) -> None:
    other = api.post(URL, json=declaration("CIV"), headers=state("CIV")).json()["id"]
    body = destruction([other, "00000000-0000-4000-8000-000000000000"], [weapon()])
    response = api.post(URL, json=body, headers=state("SEN"))
    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["errors"]]
    assert locs[:2] == ["references[0]", "references[1]"]


def test_a_destruction_needs_its_method(api: TestClient) -> None:
    seized = _seize(api, "AK-1")
    body = destruction([seized], [weapon("AK-1")])
    del body["destruction"]
    response = api.post(URL, json=body, headers=state("SEN"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "destruction"


def test_the_same_weapon_twice_in_one_destruction_is_refused(api: TestClient) -> None:
    seized = _seize(api, "AK-1")
    body = destruction([seized], [weapon("AK-1"), weapon("ak 1")])
    response = api.post(URL, json=body, headers=state("SEN"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "items[1]"
