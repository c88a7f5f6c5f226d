"""The ingestion endpoint: idempotent by event id and version, replacement, disposal, scope."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

TRACE = "/registry/v1/trace"


def _serials(client: TestClient, headers: dict[str, str], serial: str) -> list[str]:
    response = client.get(TRACE, params={"serial_number": serial}, headers=headers)
    assert response.status_code == 200, response.text
    return [r["serial_number"] for r in response.json()["items"] if r["match"] != "possible"]


def test_the_same_event_twice_is_a_duplicate_and_changes_nothing(
    client: TestClient, auth_api: AuthApi
) -> None:
    relay = auth_api.operator_headers(("index:write",))
    body = delivery([declared_weapon(0, "AB-12345")])
    first = client.post(INDEX, json=body, headers=relay)
    again = client.post(INDEX, json=body, headers=relay)
    assert first.json()["status"] == "indexed"
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    ner = auth_api.member_state_headers("NER")
    assert _serials(client, ner, "AB-12345") == ["AB-12345"]


def test_an_older_version_is_stale_and_a_newer_one_replaces_the_items(
    client: TestClient, auth_api: AuthApi
) -> None:
    relay = auth_api.operator_headers(("index:write",))
    v2 = client.post(
        INDEX, json=delivery([declared_weapon(0, "NEW-9999")], version=2), headers=relay
    )
    assert v2.json()["status"] == "indexed"
    v1 = client.post(
        INDEX, json=delivery([declared_weapon(0, "OLD-1111")], version=1), headers=relay
    )
    assert v1.json()["status"] == "stale"
    v3 = client.post(
        INDEX, json=delivery([declared_weapon(0, "NEW-7777")], version=3), headers=relay
    )
    assert v3.json()["status"] == "indexed"
    ner = auth_api.member_state_headers("NER")
    assert _serials(client, ner, "OLD-1111") == []
    assert _serials(client, ner, "NEW-9999") == []
    assert _serials(client, ner, "NEW-7777") == ["NEW-7777"]


def test_disposal_removes_the_items_and_later_versions_are_stale(
    client: TestClient, auth_api: AuthApi
) -> None:
    relay = auth_api.operator_headers(("index:write",))
    assert_status(
        client.post(INDEX, json=delivery([declared_weapon(0, "GONE-4242")]), headers=relay), 200
    )
    disposed = client.post(
        INDEX, json=delivery([], action="dispose", version=1, location=None), headers=relay
    )
    assert disposed.json()["status"] == "disposed"
    late = client.post(
        INDEX, json=delivery([declared_weapon(0, "GONE-4242")], version=2), headers=relay
    )
    assert late.json()["status"] == "stale"
    assert _serials(client, auth_api.member_state_headers("NER"), "GONE-4242") == []


def test_only_index_writers_may_deliver(client: TestClient, auth_api: AuthApi) -> None:
    body = delivery([declared_weapon(0, "AB-12345")])
    as_state = client.post(INDEX, json=body, headers=auth_api.member_state_headers("NER"))
    as_reader = client.post(INDEX, json=body, headers=auth_api.operator_headers())
    assert as_state.status_code == 403
    assert as_reader.status_code == 403
    assert client.post(INDEX, json=body).status_code == 401


def test_a_malformed_delivery_is_a_422_listing_the_problems(
    client: TestClient, auth_api: AuthApi
) -> None:
    relay = auth_api.operator_headers(("index:write",))
    body = delivery([declared_weapon(0, "A-1"), declared_weapon(0, "A-2")], country="XXX")
    body["version"] = 0
    response = client.post(INDEX, json=body, headers=relay)
    assert response.status_code == 422
    locs = {e["loc"] for e in response.json()["errors"]}
    assert {"version", "declaring_country"} <= locs


def test_own_destruction_counts_as_destroyed_in_reconciliation_without_an_alert(
    client: TestClient, auth_api: AuthApi
) -> None:
    sen = auth_api.member_state_headers("SEN")
    assert_status(
        client.post(MANIFESTS, json=manifest([weapon("KC-1001"), weapon("KC-1002")]), headers=sen)
    )
    relay = auth_api.operator_headers(("index:write",))
    destroyed = client.post(
        INDEX,
        json=delivery(
            [declared_weapon(0, "kc 1001")],
            type_="destruction",
            country="SEN",
            mission="MINUSCA",
            location_country="CAF",
            event_date="2024-09-01",
        ),
        headers=relay,
    )
    assert destroyed.json() == {
        "status": "indexed",
        "declaration_id": "decl-1",
        "version": 1,
        "alerts": 0,
    }
    lines = client.get(
        "/registry/v1/reconciliation", params={"mission": "MINUSCA"}, headers=sen
    ).json()["items"]
    by_serial = {line["serial_number"]: line for line in lines}
    assert by_serial["KC-1001"]["quantity_destroyed"] == 1
    assert by_serial["KC-1001"]["status"] == "balanced"
    assert by_serial["KC-1001"]["evidence"][-1] == {
        "movement": "destroyed",
        "record": "declaration",
        "id": "decl-1",
        "date": "2024-09-01",
    }
    assert by_serial["KC-1002"]["quantity_destroyed"] == 0


def test_a_dispose_for_a_declaration_never_indexed_is_kept_as_a_tombstone(
    client: TestClient, auth_api: AuthApi
) -> None:
    relay = auth_api.operator_headers(("index:write",))
    body = delivery([], action="dispose", version=3, location=None)
    assert assert_status(client.post(INDEX, json=body, headers=relay), 200)["status"] == "disposed"
    late = delivery([declared_weapon(0, "LATE-1")], version=3)
    assert assert_status(client.post(INDEX, json=late, headers=relay), 200)["status"] == "stale"
    no_place = delivery([declared_weapon(0, "X-1")], location=None)
    assert client.post(INDEX, json=no_place, headers=relay).status_code == 422


def test_a_value_whose_match_key_outgrows_its_column_is_a_422_naming_it(
    client: TestClient, auth_api: AuthApi
) -> None:
    relay = auth_api.operator_headers(("index:write",))
    # NFKD spells U+FDFA out in 18 characters, 15 of them kept: a 450-character key
    # from a 30-character serial, over the 400 the serial key column holds.
    spelled_out = "\ufdfa" * 30
    body = delivery([declared_weapon(0, "AB-12345"), declared_weapon(1, spelled_out)])
    response = client.post(INDEX, json=body, headers=relay)
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["errors"]] == ["items[1].serial_number"]
    assert _serials(client, auth_api.member_state_headers("NER"), "AB-12345") == []


def test_without_the_declarations_log_key_the_registry_indexes_nothing() -> None:
    from services.common.errors import ServiceUnavailable
    from services.registry.index.provenance import check_against_log
    from services.registry.index.schemas import DeclarationDelivery

    proven_delivery = DeclarationDelivery.model_validate(delivery([declared_weapon(0, "K-1")]))
    with pytest.raises(ServiceUnavailable) as refused:
        check_against_log(proven_delivery, verifier=None)
    assert refused.value.instance_code == "log_key_not_configured"


def test_a_malformed_declarations_log_key_stops_the_registry_at_startup() -> None:
    from pydantic import ValidationError

    from services.registry.settings import RegistrySettings

    with pytest.raises(ValidationError, match="declarations_log_key"):
        RegistrySettings(declarations_log_key="salw-register.local/declarations+zz+nope")
