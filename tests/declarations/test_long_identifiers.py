"""The longest identifiers declarations accept fit the item index, or are refused by name.

Before, a 200-character serial (accepted by the schema) overflowed the 100-character
serial key column: a 500 on PostgreSQL while SQLite stored it. Runs on both databases.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.declarations.support import Callers, declaration, destruction, weapon

URL = "/declarations/v1/declarations"


def _part(description: str, serial: str) -> dict[str, object]:
    return {"kind": "part", "description": description, "quantity": 1, "serial_number": serial}


def test_the_longest_accepted_identifiers_are_stored_and_matched(
    client: TestClient, callers: Callers
) -> None:
    serial = ("AK-" + "0123456789" * 20)[:200]
    description = ("receiver and bolt carrier, filed " * 130)[:4000]
    maker = ("Kalashnikov Concern " * 10)[:200]
    items = [weapon(serial, manufacturer=maker), _part(description, "P-77")]
    seized = client.post(URL, json=declaration(items=items), headers=callers.state("SEN"))
    assert seized.status_code == 201, seized.text
    # The custody chain still recognises both (the part by its hashed description).
    same = [weapon(serial.lower(), manufacturer=maker), _part(description.upper(), "p 77")]
    body = destruction([seized.json()["id"]], same)
    destroyed = client.post(URL, json=body, headers=callers.state("SEN"))
    assert destroyed.status_code == 201, destroyed.text
    again = client.post(URL, json=body, headers=callers.state("SEN"))
    assert again.status_code == 409
    assert again.json()["code"] == "already_destroyed"


def test_an_identifier_whose_normalized_key_outgrows_the_index_is_a_422_naming_it(
    client: TestClient, callers: Callers
) -> None:
    # NFKD spells U+FDFA out in 18 characters: 30 of them make a 450-character key.
    items = [weapon("AK-1"), weapon("\ufdfa" * 30)]
    response = client.post(URL, json=declaration(items=items), headers=callers.state("SEN"))
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["errors"]] == ["items[1].serial_number"]
    listed = client.get(URL, headers=callers.state("SEN")).json()
    assert listed["items"] == []


def test_the_migration_rekeys_stored_parts_as_the_service_now_keys_them() -> None:
    import importlib.util
    from pathlib import Path

    from services.declarations.declarations.custody import identify
    from services.declarations.declarations.schemas import Part

    path = next(
        (Path(__file__).resolve().parents[2] / "migrations" / "declarations" / "versions").glob(
            "*_declarations0006_*.py"
        )
    )
    spec = importlib.util.spec_from_file_location("declarations0006", path)
    assert spec is not None
    assert spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)

    description = "Receiver  and BOLT carrier, filed " * 20
    part = Part(kind="part", description=description, quantity=1, serial_number="P-77")
    words = " ".join(description.casefold().split())
    stored_before = f"part|{words}|P77"  # as the item index keyed it until now
    assert migration._rekeyed(stored_before) == identify(part).match_key
    short = Part(kind="part", description="spare barrel", quantity=1)
    assert migration._rekeyed(identify(short).match_key) is None
