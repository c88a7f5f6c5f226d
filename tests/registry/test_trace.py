"""Trace: wildcards for obliterated characters, look-alikes, filters, tenancy, bad input."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from services.common.database import make_engine
from services.embedded import EmbeddedSettings
from services.registry import serial_index
from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

TRACE = "/registry/v1/trace"
Indexer = Callable[[], None]


@pytest.fixture(params=["neighbour index", "backlog probing"])
def index(request: pytest.FixtureRequest, register_settings: EmbeddedSettings) -> Iterator[Indexer]:
    """Every trace runs twice: once after the serial neighbourhood index has taken in every
    record, once with records still queued (the probing fallback). Same answers."""
    engine = make_engine(register_settings.registry.resolved_database_url())

    def run() -> None:
        if request.param == "neighbour index":
            serial_index.index_until_empty(engine)
            with Session(engine) as session:
                assert not serial_index.backlog_pending(session)

    yield run
    engine.dispose()


def _trace(
    client: TestClient, index: Indexer, headers: dict[str, str], **params: str
) -> list[tuple[str, str]]:
    index()
    response = client.get(TRACE, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [(r["serial_number"], r["match"]) for r in response.json()["items"]]


def test_wildcards_find_partial_serials_as_possible(
    client: TestClient, auth_api: AuthApi, index: Indexer
) -> None:
    sen = auth_api.member_state_headers("SEN")
    assert_status(
        client.post(
            MANIFESTS, json=manifest([weapon("56-0000123"), weapon("57-1111123")]), headers=sen
        )
    )
    assert _trace(client, index, sen, serial_number="56-00?0123") == [("56-0000123", "possible")]
    assert sorted(_trace(client, index, sen, serial_number="*123")) == [
        ("56-0000123", "possible"),
        ("57-1111123", "possible"),
    ]
    too_vague = client.get(TRACE, params={"serial_number": "*1*"}, headers=sen)
    assert too_vague.status_code == 422


def test_secondary_lookalikes_and_one_edit_are_possible(
    client: TestClient, auth_api: AuthApi, index: Indexer
) -> None:
    relay = auth_api.operator_headers(("index:write",))
    assert_status(
        client.post(
            INDEX,
            json=delivery([declared_weapon(0, "SB-2046"), declared_weapon(1, "AK-9999")]),
            headers=relay,
        ),
        200,
    )
    ner = auth_api.member_state_headers("NER")
    assert _trace(client, index, ner, serial_number="58-2O46") == [("SB-2046", "possible")]
    assert _trace(client, index, ner, serial_number="5B-2406") == [("SB-2046", "possible")]


def test_manufacturer_and_model_narrow_the_trace(
    client: TestClient, auth_api: AuthApi, index: Indexer
) -> None:
    sen = auth_api.member_state_headers("SEN")
    assert_status(
        client.post(
            MANIFESTS,
            json=manifest(
                [weapon("F-1234"), weapon("F-1234", manufacturer="FN Herstal", model="FAL")]
            ),
            headers=sen,
        )
    )
    assert len(_trace(client, index, sen, serial_number="F-1234")) == 2
    only_fn = _trace(client, index, sen, serial_number="F-1234", manufacturer="Fabrique Nationale")
    assert only_fn == [("F-1234", "exact")]
    assert _trace(client, index, sen, serial_number="F-1234", model="ak103") == [
        ("F-1234", "exact")
    ]


def test_trace_shows_only_records_the_caller_may_read(
    client: TestClient, auth_api: AuthApi, index: Indexer
) -> None:
    sen = auth_api.member_state_headers("SEN")
    assert_status(client.post(MANIFESTS, json=manifest([weapon("T-5555")]), headers=sen))
    assert _trace(client, index, sen, serial_number="T-5555") == [("T-5555", "exact")]
    ecowas = auth_api.secretariat_headers("ECOWAS")
    assert _trace(client, index, ecowas, serial_number="T-5555") == [("T-5555", "exact")]
    assert _trace(client, index, auth_api.member_state_headers("GHA"), serial_number="T-5555") == []
    eccas = auth_api.secretariat_headers("ECCAS")
    assert _trace(client, index, eccas, serial_number="T-5555") == []


def test_a_serial_without_letters_or_digits_is_a_422(
    client: TestClient, auth_api: AuthApi, index: Indexer
) -> None:
    sen = auth_api.member_state_headers("SEN")
    response = client.get(TRACE, params={"serial_number": "--//"}, headers=sen)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": "query.serial_number", "msg": "has no letter or digit to match on"}
    ]
    missing = client.get(TRACE, headers=sen)
    assert missing.status_code == 422
    assert [e["loc"] for e in missing.json()["errors"]] == ["query.serial_number"]


def test_exact_and_normalized_records_are_kept_when_near_misses_fill_the_page(
    client: TestClient, auth_api: AuthApi, index: Indexer
) -> None:
    # A contingent's rifles carry consecutive serials: every one of them is a "possible"
    # match of its neighbours, and they are older than the record actually traced.
    sen = auth_api.member_state_headers("SEN")
    siblings = [weapon(f"56-00001{n:02d}") for n in range(40) if n != 23]
    assert_status(
        client.post(MANIFESTS, json=manifest(siblings, crossing_date="2023-01-10"), headers=sen)
    )
    later = manifest([weapon("56-0000123")], crossing_date="2024-02-01", unit="SENBATT 8")
    assert client.post(MANIFESTS, json=later, headers=sen).status_code == 201
    index()
    for limit in ("1", "5", "10"):
        response = client.get(
            TRACE, params={"serial_number": "56 OOOO123", "limit": limit}, headers=sen
        )
        body = response.json()
        assert body["truncated"] is True
        assert ("56-0000123", "normalized") in [
            (r["serial_number"], r["match"]) for r in body["items"]
        ], limit


def test_a_serial_whose_first_characters_are_obliterated_is_found_in_every_source(
    client: TestClient, auth_api: AuthApi, index: Indexer
) -> None:
    # On PostgreSQL read by the reversed key's range (registry0021), on SQLite by the
    # pattern alone: the same records, within the caller's tenancy.
    sen = auth_api.member_state_headers("SEN")
    rifles = [weapon("56-0000123"), weapon("56-0004123"), weapon("56-0000124")]
    assert_status(client.post(MANIFESTS, json=manifest(rifles), headers=sen))
    relay = auth_api.operator_headers(("index:write",))
    seized = delivery([declared_weapon(0, "KC 77-0000123")], country="SEN")
    assert_status(client.post(INDEX, json=seized, headers=relay), 200)
    ghana = auth_api.member_state_headers("GHA")
    assert_status(
        client.post(MANIFESTS, json=manifest([weapon("99-0000123")], country="GHA"), headers=ghana)
    )

    assert sorted(_trace(client, index, sen, serial_number="*0000123")) == [
        ("56-0000123", "possible"),
        ("KC 77-0000123", "possible"),
    ]  # not Ghana's 99-0000123
    assert sorted(_trace(client, index, sen, serial_number="*0?123")) == [
        ("56-0000123", "possible"),
        ("56-0004123", "possible"),
        ("KC 77-0000123", "possible"),
    ]
    assert _trace(client, index, sen, serial_number="*0000124") == [("56-0000124", "possible")]


def test_a_serial_legible_in_its_middle_is_found_in_every_source(
    client: TestClient, auth_api: AuthApi, index: Indexer
) -> None:
    # On PostgreSQL read through the serial-key trigram indexes (registry0022), on SQLite
    # by the pattern alone: exactly the keys the pattern matches, within the tenancy.
    sen = auth_api.member_state_headers("SEN")
    rifles = [
        weapon("56-0012345"),  # both patterns
        weapon("57-0012345"),  # *0123?5
        weapon("56-0012335"),  # *0123?5
        weapon("56-0102345"),  # neither: 0123 not before its last two characters
        weapon("56-0112345"),  # neither: 5601 is not 5600
        weapon("56-0123455"),  # neither: 0123 is not followed by one character and a 5
        weapon("56-0072345"),  # 56-00?2345, then lost
        weapon("AK 99-0123X5"),  # *0123?5, then lost
    ]
    assert_status(client.post(MANIFESTS, json=manifest(rifles), headers=sen))
    loss = {
        "mission": "MINUSCA",
        "contributing_country": "SEN",
        "loss_type": "captured_in_attack",
        "loss_date": "2024-05-01",
        "place": "Bambari-Ippy road",
        "circumstance": "ambush",
        "circumstances": "Convoy ambushed; two rifles taken",
        "items": [
            {"kind": "weapon", "serial_number": "56-0072345"},
            {"kind": "weapon", "serial_number": "AK 99-0123X5"},
        ],
    }
    assert_status(client.post("/registry/v1/loss-reports", json=loss, headers=sen))
    relay = auth_api.operator_headers(("index:write",))
    seized = delivery(
        [declared_weapon(0, "KC 77-90123-45"), declared_weapon(1, "KC 77-5600-92345")],
        country="SEN",
    )
    assert_status(client.post(INDEX, json=seized, headers=relay), 200)
    ghana = auth_api.member_state_headers("GHA")
    theirs = manifest([weapon("56-0012345"), weapon("58-1101235")], country="GHA")
    assert_status(client.post(MANIFESTS, json=theirs, headers=ghana))
    index()

    def found(serial_number: str) -> list[tuple[str, str, str]]:
        response = client.get(TRACE, params={"serial_number": serial_number}, headers=sen)
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        return sorted((r["serial_number"], r["record"], r["match"]) for r in items)

    assert found("*0123?5") == [
        ("56-0012335", "manifest_in", "possible"),
        ("56-0012345", "manifest_in", "possible"),
        ("57-0012345", "manifest_in", "possible"),
        ("AK 99-0123X5", "loss_report", "possible"),
        ("AK 99-0123X5", "manifest_in", "possible"),
        ("KC 77-90123-45", "seizure", "possible"),
    ]  # not Ghana's two
    assert found("56-00?2345") == [
        ("56-0012345", "manifest_in", "possible"),
        ("56-0072345", "loss_report", "possible"),
        ("56-0072345", "manifest_in", "possible"),
    ]  # not KC 77-5600-92345: the pattern is anchored at the key's start
    assert found("*01234*") == [
        ("56-0012345", "manifest_in", "possible"),
        ("56-0123455", "manifest_in", "possible"),
        ("57-0012345", "manifest_in", "possible"),
        ("KC 77-90123-45", "seizure", "possible"),
    ]
