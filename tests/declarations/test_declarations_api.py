"""Declaring, reading and listing declarations, with tenancy."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.declarations.support import declaration, operator, secretariat, state

URL = "/declarations/v1/declarations"


def test_a_member_state_declares_a_seizure_and_gets_id_version_index_and_etag(
    api: TestClient,
) -> None:
    response = api.post(URL, json=declaration(), headers=state("SEN"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["version"] == 1
    assert body["log_index"] == 0
    assert response.headers["etag"] == f'"{body["record_sha256"]}"'
    assert body["retain_until"] >= "2055-01-01"


def test_a_declaration_reads_back_with_its_record(api: TestClient) -> None:
    created = api.post(URL, json=declaration(), headers=state("SEN")).json()
    response = api.get(f"{URL}/{created['id']}", headers=state("SEN"))
    assert response.status_code == 200
    view = response.json()
    assert view["record"]["items"][0]["serial_number"] == "AK-123456"
    assert view["record"]["id"] == created["id"]
    assert response.headers["etag"] == created["etag"]
