"""Manifests: all or nothing, every problem located, tenancy on writes, in/out rules."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.registry.factories import MANIFESTS, ammunition, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status


def _count(client: TestClient, headers: dict[str, str]) -> int:
    return len(client.get(MANIFESTS, headers=headers).json()["items"])


def test_every_problem_is_listed_with_its_item_location(
    client: TestClient, sen: dict[str, str]
) -> None:
    items = [
        weapon("OK-1"),
        weapon("OK-2", serial_number=None),
        ammunition("L-1", 0),
        {"kind": "part", "quantity": 2},
        weapon("OK-3", category="bazooka"),
    ]
    response = client.post(MANIFESTS, json=manifest(items), headers=sen)
    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["errors"]]
    assert sorted(locs) == [
        "items[1].serial_number",
        "items[2].quantity",
        "items[3].description",
        "items[4].category",
    ]
    assert _count(client, sen) == 0


def test_type_errors_kind_rules_and_balances_are_listed_in_one_refusal(
    client: TestClient, sen: dict[str, str]
) -> None:
    assert client.post(MANIFESTS, json=manifest([weapon("IN-1")]), headers=sen).status_code == 201
    items = [
        weapon("IN-1", year_of_manufacture="old"),  # a type error, and already in the area
        {"kind": "weapon", "serial_number": "X-2", "colour": "green"},  # unknown field + kind
        ammunition("L-1", "many"),  # type error on a required field: said once
        {"kind": "bazooka"},
        "not an item",
        weapon("IN-2"),
    ]
    body = manifest(items, crossing_point=["not", "text"])
    response = client.post(MANIFESTS, json=body, headers=sen)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["loc"] for e in errors] == [
        "crossing_point",
        "items[0].year_of_manufacture",
        "items[1].colour",
        "items[1].category",
        "items[1].manufacturer",
        "items[1].model",
        "items[1].calibre",
        "items[2].quantity",
        "items[3].kind",
        "items[4]",
        "items[0].serial_number",
    ]
    assert "already in MINUSCA" in errors[-1]["msg"]
    assert _count(client, sen) == 1


def test_a_broken_header_is_listed_with_the_items_problems(
    client: TestClient, sen: dict[str, str]
) -> None:
    body = manifest([weapon("OK-1"), {"kind": "part"}], unit="", crossing_date="soon")
    response = client.post(MANIFESTS, json=body, headers=sen)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [
        "unit",
        "crossing_date",
        "items[1].description",
        "items[1].quantity",
    ]


def test_a_body_that_is_not_a_manifest_object_is_refused(
    client: TestClient, sen: dict[str, str]
) -> None:
    not_object = client.post(MANIFESTS, json=[weapon("A")], headers=sen)
    assert not_object.status_code == 422
    assert [e["loc"] for e in not_object.json()["errors"]] == ["body"]
    no_items = client.post(MANIFESTS, json={**manifest([]), "items": "none"}, headers=sen)
    assert [e["loc"] for e in no_items.json()["errors"]] == ["items"]
    broken = client.post(
        MANIFESTS, content=b'{"items": [', headers={**sen, "Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    assert broken.json()["code"] == "malformed_json"


def test_kind_rules_name_each_missing_field(client: TestClient, sen: dict[str, str]) -> None:
    items = [weapon("OK-1"), {"kind": "weapon", "serial_number": "X-1"}, {"kind": "part"}]
    response = client.post(MANIFESTS, json=manifest(items), headers=sen)
    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["errors"]]
    assert locs == [
        "items[1].category",
        "items[1].manufacturer",
        "items[1].model",
        "items[1].calibre",
        "items[2].description",
        "items[2].quantity",
    ]


def test_unknown_mission_is_a_422(client: TestClient, sen: dict[str, str]) -> None:
    response = client.post(MANIFESTS, json=manifest([weapon("A")], mission="NOPE"), headers=sen)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "mission"


def test_member_state_may_not_post_for_another_country(
    client: TestClient, civ: dict[str, str]
) -> None:
    response = client.post(MANIFESTS, json=manifest([weapon("A")], country="SEN"), headers=civ)
    assert response.status_code == 403


def test_without_manifests_write_scope_is_403(client: TestClient, auth_api: AuthApi) -> None:
    reader = auth_api.member_state_headers("SEN", scopes=("register:read",))
    response = client.post(MANIFESTS, json=manifest([weapon("A")]), headers=reader)
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert "manifests:write" in response.json()["detail"]


def test_weapon_in_twice_without_out_is_refused(client: TestClient, sen: dict[str, str]) -> None:
    assert client.post(MANIFESTS, json=manifest([weapon("AK-1")]), headers=sen).status_code == 201
    again = client.post(MANIFESTS, json=manifest([weapon("ak 1"), weapon("AK-2")]), headers=sen)
    assert again.status_code == 422
    assert [e["loc"] for e in again.json()["errors"]] == ["items[0].serial_number"]
    assert _count(client, sen) == 1


def test_marked_correction_allows_a_second_in(client: TestClient, sen: dict[str, str]) -> None:
    assert_status(client.post(MANIFESTS, json=manifest([weapon("AK-1")]), headers=sen))
    item = weapon("AK-1", correction=True)
    assert client.post(MANIFESTS, json=manifest([item]), headers=sen).status_code == 201
    whole = manifest([weapon("AK-1")], correction=True)
    assert client.post(MANIFESTS, json=whole, headers=sen).status_code == 201


def test_an_out_dated_before_the_weapons_latest_in_is_refused(
    client: TestClient, sen: dict[str, str]
) -> None:
    assert_status(
        client.post(
            MANIFESTS, json=manifest([weapon("AK-1")], crossing_date="2024-06-01"), headers=sen
        )
    )
    early = manifest([weapon("AK-1")], direction="out", crossing_date="2024-01-01")
    response = client.post(MANIFESTS, json=early, headers=sen)
    assert response.status_code == 422
    (problem,) = response.json()["errors"]
    assert problem["loc"] == "items[0].serial_number"
    assert "crosses out on 2024-01-01, before its latest crossing in" in problem["msg"]
    assert "2024-06-01" in problem["msg"]
    held = client.get("/registry/v1/holdings?mission=MINUSCA", headers=sen).json()["items"]
    assert [h["serial_number"] for h in held] == ["AK-1"]
    corrected = manifest(
        [weapon("AK-1", correction=True)], direction="out", crossing_date="2024-01-01"
    )
    assert client.post(MANIFESTS, json=corrected, headers=sen).status_code == 201


def test_the_latest_in_counts_not_the_first(client: TestClient, sen: dict[str, str]) -> None:
    for direction, day in (("in", "2024-01-01"), ("out", "2024-03-01"), ("in", "2024-06-01")):
        body = manifest([weapon("AK-1")], direction=direction, crossing_date=day)
        assert client.post(MANIFESTS, json=body, headers=sen).status_code == 201
    # Balanced by the sums (in twice, out once), but before the weapon came back.
    between = manifest([weapon("AK-1")], direction="out", crossing_date="2024-04-01")
    response = client.post(MANIFESTS, json=between, headers=sen)
    assert response.status_code == 422
    assert "2024-06-01" in response.json()["errors"][0]["msg"]
    later = manifest([weapon("AK-1")], direction="out", crossing_date="2024-06-01")
    assert client.post(MANIFESTS, json=later, headers=sen).status_code == 201


def test_out_without_in_is_refused(client: TestClient, sen: dict[str, str]) -> None:
    response = client.post(
        MANIFESTS, json=manifest([weapon("NEVER-IN")], direction="out"), headers=sen
    )
    assert response.status_code == 422
    assert "never declared in" in response.json()["errors"][0]["msg"]


def test_same_weapon_twice_in_one_manifest_is_refused(
    client: TestClient, sen: dict[str, str]
) -> None:
    response = client.post(MANIFESTS, json=manifest([weapon("AK-1"), weapon("AK-I")]), headers=sen)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "items[1].serial_number"


def test_declared_values_and_normalized_keys_are_both_stored(
    client: TestClient, sen: dict[str, str]
) -> None:
    created = assert_status(
        client.post(
            MANIFESTS,
            json=manifest([weapon("56-OOO 123", manufacturer="Norinco", calibre="7,62 × 39 mm")]),
            headers=sen,
        )
    )
    item = client.get(f"{MANIFESTS}/{created['id']}/items", headers=sen).json()["items"][0]
    assert item["serial_number"] == "56-OOO 123"
    assert item["serial_key"] == "56000123"
    assert item["calibre"] == "7,62 × 39 mm"
    assert item["calibre_key"] == "7.62x39mm"


def test_items_page_with_a_cursor(client: TestClient, sen: dict[str, str]) -> None:
    created = assert_status(
        client.post(MANIFESTS, json=manifest([weapon(f"P-{i}") for i in range(5)]), headers=sen)
    )
    first = client.get(f"{MANIFESTS}/{created['id']}/items?limit=3", headers=sen).json()
    rest = client.get(
        f"{MANIFESTS}/{created['id']}/items",
        params={"limit": 3, "cursor": first["next_cursor"]},
        headers=sen,
    ).json()
    assert [i["line"] for i in first["items"] + rest["items"]] == [0, 1, 2, 3, 4]
    assert rest["next_cursor"] is None


def test_a_serial_whose_match_key_outgrows_its_column_is_a_422_naming_it(
    client: TestClient, sen: dict[str, str]
) -> None:
    # NFKD spells U+FDFA out in 18 characters: 10 of them make a 150-character key,
    # over the 128 a manifest item's serial key holds. Both databases answer alike
    # (PostgreSQL refused the row without naming it; SQLite stored it).
    body = manifest([weapon("KC-1"), weapon("\ufdfa" * 10), weapon("KC-2")])
    response = client.post(MANIFESTS, json=body, headers=sen)
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["errors"]] == ["items[1].serial_number"]
    assert client.get(MANIFESTS, headers=sen).json()["items"] == []


def test_past_a_thousand_problems_the_first_are_listed_in_item_order_and_all_counted(
    client: TestClient, sen: dict[str, str]
) -> None:
    items = [weapon("A-0", category="bazooka")]
    items += [weapon(" - ", quantity="x") for _ in range(1200)]
    response = client.post(MANIFESTS, json=manifest(items), headers=sen)
    assert response.status_code == 422
    body = response.json()
    assert body["total_problems"] == 2401
    assert body["detail"] == "2401 problems; the first 1000 are listed; nothing was stored"
    errors = body["errors"]
    assert len(errors) == 1000
    # Pydantic's error in an item comes first, the item's own after, once per field.
    assert [e["loc"] for e in errors[:3]] == [
        "items[0].category",
        "items[1].quantity",
        "items[1].serial_number",
    ]
    assert errors[0]["type"] == "literal_error"
    assert errors[2] == {
        "loc": "items[1].serial_number",
        "msg": "has no letter or digit to match on",
    }
    assert errors[-1]["loc"] == "items[500].quantity"
