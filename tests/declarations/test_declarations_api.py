"""Declaring, reading and listing declarations, with tenancy."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.declarations.support import Callers, declaration
from tests.support.responses import assert_status

URL = "/declarations/v1/declarations"


def test_a_member_state_declares_a_seizure_and_gets_id_version_index_and_etag(
    client: TestClient,
    callers: Callers,
) -> None:
    response = client.post(URL, json=declaration(), headers=callers.state("SEN"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["version"] == 1
    assert body["log_index"] == 0
    assert response.headers["etag"] == f'"{body["record_sha256"]}"'
    assert body["retain_until"] >= "2055-01-01"


def test_a_declaration_reads_back_with_its_record(client: TestClient, callers: Callers) -> None:
    created = assert_status(client.post(URL, json=declaration(), headers=callers.state("SEN")))
    response = client.get(f"{URL}/{created['id']}", headers=callers.state("SEN"))
    assert response.status_code == 200
    view = response.json()
    assert view["record"]["items"][0]["serial_number"] == "AK-123456"
    assert view["record"]["id"] == created["id"]
    assert response.headers["etag"] == created["etag"]


def test_another_state_cannot_read_a_declaration(client: TestClient, callers: Callers) -> None:
    created = assert_status(client.post(URL, json=declaration(), headers=callers.state("SEN")))
    assert client.get(f"{URL}/{created['id']}", headers=callers.state("SEN")).status_code == 200
    owned = client.get(URL, headers=callers.state("SEN")).json()["items"]
    assert [d["id"] for d in owned] == [created["id"]]
    assert client.get(f"{URL}/{created['id']}", headers=callers.state("CIV")).status_code == 404
    listed = client.get(URL, headers=callers.state("CIV")).json()
    assert listed["items"] == []


def test_a_secretariat_reads_its_member_states_declarations_only(
    client: TestClient, callers: Callers
) -> None:
    assert_status(client.post(URL, json=declaration("SEN"), headers=callers.state("SEN")))
    assert_status(
        client.post(URL, json=declaration("COD", mission="MONUSCO"), headers=callers.state("COD"))
    )
    ecowas = client.get(URL, headers=callers.secretariat("ECOWAS")).json()["items"]
    eccas = client.get(URL, headers=callers.secretariat("ECCAS")).json()["items"]
    assert [d["declaring_country"] for d in ecowas] == ["SEN"]
    assert [d["declaring_country"] for d in eccas] == ["COD"]


def test_a_secretariat_does_not_read_a_former_members_later_records(
    client: TestClient, callers: Callers
) -> None:
    created = assert_status(client.post(URL, json=declaration("MLI"), headers=callers.state("MLI")))
    owned = client.get(URL, headers=callers.state("MLI")).json()["items"]
    assert [d["id"] for d in owned] == [created["id"]]
    assert client.get(URL, headers=callers.secretariat("ECOWAS")).json()["items"] == []


def test_a_state_may_not_declare_for_another_country(client: TestClient, callers: Callers) -> None:
    response = client.post(URL, json=declaration("CIV"), headers=callers.state("SEN"))
    assert response.status_code == 403
    assert response.json()["code"] == "outside_tenancy"


def test_declaring_needs_the_write_scope(client: TestClient, callers: Callers) -> None:
    response = client.post(
        URL, json=declaration(), headers=callers.state("SEN", scopes="register:read")
    )
    assert response.status_code == 403


def test_reading_without_a_token_is_401(client: TestClient, callers: Callers) -> None:
    assert client.get(URL).status_code == 401


def test_an_unknown_mission_is_a_422(client: TestClient, callers: Callers) -> None:
    response = client.post(URL, json=declaration(mission="NOSUCH"), headers=callers.state("SEN"))
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == ["mission"]


def test_every_problem_is_listed_at_once(client: TestClient, callers: Callers) -> None:
    body = declaration(
        declaring_country="SEN",
        event_date="2999-01-01",
        location={"country": "XXX", "lat": 95, "lon": 10},
        items=[{"kind": "weapon", "category": "bazooka"}, {"kind": "ammunition", "quantity": 0}],
    )
    response = client.post(URL, json=body, headers=callers.state("SEN"))
    assert response.status_code == 422
    locs = {e["loc"] for e in response.json()["errors"]}
    assert {"location.country", "location.lat", "items[0].weapon.category"} <= locs
    assert "items[1].ammunition.quantity" in locs


def test_future_event_date_and_lone_latitude_are_refused_together(
    client: TestClient, callers: Callers
) -> None:
    body = declaration(event_date="2999-01-01", location={"country": "MLI", "lat": 10.0})
    response = client.post(URL, json=body, headers=callers.state("SEN"))
    assert response.status_code == 422
    assert {e["loc"] for e in response.json()["errors"]} == {"event_date", "location"}


def test_a_ddr_collection_must_name_its_programme(client: TestClient, callers: Callers) -> None:
    body = declaration(type="collection", collection={"ddr": True})
    response = client.post(URL, json=body, headers=callers.state("SEN"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "collection.programme"
    body["collection"]["programme"] = "PNDDR Mali"
    assert client.post(URL, json=body, headers=callers.state("SEN")).status_code == 201


def test_a_retry_with_the_same_idempotency_key_returns_the_first_response(
    client: TestClient,
    callers: Callers,
) -> None:
    headers = {**callers.state("SEN"), "Idempotency-Key": "retry-1"}
    first = client.post(URL, json=declaration(), headers=headers)
    assert_status(first)
    again = client.post(URL, json=declaration(), headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["etag"] == first.headers["etag"]
    reused = client.post(URL, json=declaration(circumstances="other"), headers=headers)
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"


def test_list_pages_with_a_cursor(client: TestClient, callers: Callers) -> None:
    headers = callers.state("SEN")
    ids = [
        assert_status(client.post(URL, json=declaration(), headers=headers))["id"] for _ in range(3)
    ]
    first = client.get(URL, params={"limit": 2}, headers=headers).json()
    second = client.get(
        URL, params={"limit": 2, "cursor": first["next_cursor"]}, headers=headers
    ).json()
    assert [d["id"] for d in first["items"] + second["items"]] == ids
    assert second["next_cursor"] is None


def test_list_filters_by_type(client: TestClient, callers: Callers) -> None:
    headers = callers.state("SEN")
    assert_status(client.post(URL, json=declaration(), headers=headers))
    assert_status(client.post(URL, json=declaration(type="collection"), headers=headers))
    listed = client.get(URL, params={"type": "collection"}, headers=headers).json()["items"]
    assert [d["type"] for d in listed] == ["collection"]


def test_the_operator_without_register_read_reads_nothing(
    client: TestClient, callers: Callers
) -> None:
    assert_status(client.post(URL, json=declaration(), headers=callers.state("SEN")))
    assert client.get(URL, headers=callers.operator()).status_code == 403


def test_text_that_is_not_unicode_is_a_422_never_a_500(
    client: TestClient, callers: Callers
) -> None:
    body = json.dumps(declaration(circumstances="PLACEHOLDER")).replace("PLACEHOLDER", "\\ud800")
    response = client.post(
        URL, content=body, headers=callers.state("SEN") | {"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text


def test_a_lower_case_country_is_declared_upper_case(client: TestClient, callers: Callers) -> None:
    # As in the registry and auth: one spelling stored, the one tokens carry.
    body = declaration("sen", location={"country": "mli", "place": "Gao"})
    response = client.post(URL, json=body, headers=callers.state("SEN"))
    assert response.status_code == 201, response.text
    view = client.get(f"{URL}/{response.json()['id']}", headers=callers.state("SEN")).json()
    assert view["record"]["declaring_country"] == "SEN"
    assert view["record"]["location"]["country"] == "MLI"


def test_one_idempotency_key_used_by_two_clients_never_replays_the_others_response(
    client: TestClient, callers: Callers
) -> None:
    # Two clients of the same ministry send the same body under the same key.
    first_client = callers.state("SEN")
    second_client = callers.state("SEN", scopes="declarations:write")
    key = {"Idempotency-Key": "sen-2026-0001"}
    first = client.post(URL, json=declaration(), headers=first_client | key)
    assert first.status_code == 201, first.text
    retried = client.post(URL, json=declaration(), headers=first_client | key)
    assert retried.headers.get("Idempotent-Replayed") == "true"
    assert retried.json()["id"] == first.json()["id"]

    second = client.post(URL, json=declaration(), headers=second_client | key)
    assert second.status_code == 201, second.text
    assert "Idempotent-Replayed" not in second.headers
    assert second.json()["id"] != first.json()["id"]
    listed = client.get(URL, headers=first_client).json()["items"]
    assert {d["id"] for d in listed} == {first.json()["id"], second.json()["id"]}
