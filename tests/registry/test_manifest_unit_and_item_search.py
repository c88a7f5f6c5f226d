"""GET /manifests?unit= (exact, any case) and GET /manifests/{id}/items?q= (contains)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.support.auth_fixtures import AuthApi


def _store(client: TestClient, headers: dict[str, str], body: dict[str, object]) -> str:
    response = client.post(MANIFESTS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_the_unit_filter_keeps_that_units_manifests_whatever_the_case(
    client: TestClient, auth_api: AuthApi
) -> None:
    sen = auth_api.member_state_headers("SEN")
    seventh = _store(client, sen, manifest([weapon("UNIT-0001")], country="SEN"))
    _store(client, sen, {**manifest([weapon("UNIT-0002")], country="SEN"), "unit": "SENBATT 8"})
    response = client.get(MANIFESTS, params={"unit": "senbatt 7"}, headers=sen)
    assert response.status_code == 200, response.text
    assert [m["id"] for m in response.json()["items"]] == [seventh]
    everything = client.get(MANIFESTS, headers=sen)
    assert len(everything.json()["items"]) == 2


def test_item_search_finds_serials_and_models_containing_the_text(
    client: TestClient, auth_api: AuthApi
) -> None:
    sen = auth_api.member_state_headers("SEN")
    items = [weapon("KC-0001234"), weapon("KC-0009999"), weapon("AB_50%")]
    manifest_id = _store(client, sen, manifest(items, country="SEN"))
    found = client.get(f"{MANIFESTS}/{manifest_id}/items", params={"q": "kc-00012"}, headers=sen)
    assert found.status_code == 200, found.text
    assert [i["serial_number"] for i in found.json()["items"]] == ["KC-0001234"]
    # LIKE's wildcards are searched for as text.
    literal = client.get(f"{MANIFESTS}/{manifest_id}/items", params={"q": "_50%"}, headers=sen)
    assert [i["serial_number"] for i in literal.json()["items"]] == ["AB_50%"]
    nothing = client.get(f"{MANIFESTS}/{manifest_id}/items", params={"q": "%"}, headers=sen)
    assert [i["serial_number"] for i in nothing.json()["items"]] == ["AB_50%"]


def test_item_search_outside_the_callers_tenancy_is_a_404(
    client: TestClient, auth_api: AuthApi
) -> None:
    sen = auth_api.member_state_headers("SEN")
    manifest_id = _store(client, sen, manifest([weapon("KC-0001234")], country="SEN"))
    gha = auth_api.member_state_headers("GHA")
    response = client.get(f"{MANIFESTS}/{manifest_id}/items", params={"q": "KC"}, headers=gha)
    assert response.status_code == 404
