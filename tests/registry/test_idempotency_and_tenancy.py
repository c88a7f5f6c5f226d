"""Idempotent retries and who reads what."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status


def test_retry_with_the_same_key_returns_the_first_manifest(
    client: TestClient, sen: dict[str, str]
) -> None:
    headers = {**sen, "Idempotency-Key": "retry-1"}
    body = manifest([weapon("AK-1")])
    first = client.post(MANIFESTS, json=body, headers=headers)
    second = client.post(MANIFESTS, json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    assert second.headers["Idempotent-Replayed"] == "true"
    other = client.post(MANIFESTS, json=manifest([weapon("AK-2")]), headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_another_states_idempotency_key_is_not_shared_with_it(
    client: TestClient, sen: dict[str, str], civ: dict[str, str]
) -> None:
    key = {"Idempotency-Key": "rotation-2024-in"}
    senegal = assert_status(
        client.post(MANIFESTS, json=manifest([weapon("AK-1")]), headers=sen | key)
    )
    # Côte d'Ivoire's own manifest under the same key: neither Senegal's response
    # replayed nor refused as a reused key.
    body = manifest([weapon("AK-2")], country="CIV", unit="CIVBATT 1")
    ivorian = client.post(MANIFESTS, json=body, headers=civ | key)
    assert ivorian.status_code == 201, ivorian.text
    assert "Idempotent-Replayed" not in ivorian.headers
    assert ivorian.json()["id"] != senegal["id"]
    assert ivorian.json()["contributing_country"] == "CIV"


def test_import_retry_with_the_same_key_is_replayed(
    client: TestClient, sen: dict[str, str]
) -> None:
    headers = {**sen, "Idempotency-Key": "upload-1"}
    form = {
        "direction": "in",
        "mission": "MINUSCA",
        "contributing_country": "SEN",
        "unit": "U",
        "crossing_date": "2024-03-01",
    }
    csv = (
        b"kind,category,manufacturer,model,calibre,serial_number\n"
        b"weapon,rifle_carbine,FN Herstal,FAL,7.62x51mm,FAL-1\n"
    )
    ids = [
        assert_status(
            client.post(
                f"{MANIFESTS}/import", data=form, files={"file": ("m.csv", csv)}, headers=headers
            )
        )["id"]
        for _ in range(2)
    ]
    assert ids[0] == ids[1]


def test_another_state_gets_404_on_a_manifest_and_an_empty_list(
    client: TestClient, sen: dict[str, str], civ: dict[str, str]
) -> None:
    created = assert_status(client.post(MANIFESTS, json=manifest([weapon("AK-1")]), headers=sen))
    assert client.get(f"{MANIFESTS}/{created['id']}", headers=sen).status_code == 200
    assert client.get(f"{MANIFESTS}/{created['id']}/items", headers=sen).status_code == 200
    assert [m["id"] for m in client.get(MANIFESTS, headers=sen).json()["items"]] == [created["id"]]
    owned = client.get("/registry/v1/holdings?mission=MINUSCA", headers=sen).json()["items"]
    assert [h["serial_number"] for h in owned] == ["AK-1"]
    assert client.get(f"{MANIFESTS}/{created['id']}", headers=civ).status_code == 404
    assert client.get(f"{MANIFESTS}/{created['id']}/items", headers=civ).status_code == 404
    assert client.get(MANIFESTS, headers=civ).json()["items"] == []
    holdings = client.get("/registry/v1/holdings?mission=MINUSCA", headers=civ).json()
    assert holdings["items"] == []


def test_secretariat_reads_members_by_the_record_date(
    client: TestClient, auth_api: AuthApi
) -> None:
    mali = auth_api.member_state_headers("MLI")
    before = assert_status(
        client.post(
            MANIFESTS,
            json=manifest([weapon("M-1")], country="MLI", crossing_date="2024-06-01"),
            headers=mali,
        )
    )
    after = assert_status(
        client.post(
            MANIFESTS,
            json=manifest([weapon("M-2")], country="MLI", crossing_date="2025-06-01"),
            headers=mali,
        )
    )
    owned = [m["id"] for m in client.get(MANIFESTS, headers=mali).json()["items"]]
    assert sorted(owned) == sorted([before["id"], after["id"]])
    ecowas = auth_api.secretariat_headers("ECOWAS")
    listed = [m["id"] for m in client.get(MANIFESTS, headers=ecowas).json()["items"]]
    assert listed == [before["id"]]
    assert client.get(f"{MANIFESTS}/{after['id']}", headers=ecowas).status_code == 404
    eccas = auth_api.secretariat_headers("ECCAS")
    assert client.get(MANIFESTS, headers=eccas).json()["items"] == []
    lines = client.get("/registry/v1/reconciliation?mission=MINUSCA", headers=ecowas).json()[
        "items"
    ]
    assert [line["serial_number"] for line in lines] == ["M-1"]


def test_reading_without_a_token_is_401(client: TestClient) -> None:
    assert client.get(MANIFESTS).status_code == 401
