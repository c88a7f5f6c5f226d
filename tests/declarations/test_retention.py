"""Retention: 30 years, legal holds, disposal of content only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.declarations.support import MovableClock, declaration, operator, secretariat, state

URL = "/declarations/v1/declarations"


def _create(api: TestClient) -> str:
    response = api.post(URL, json=declaration(), headers=state("SEN"))
    assert response.status_code == 201
    return str(response.json()["id"])


def _delete(api: TestClient, declaration_id: str, headers: dict[str, str]) -> object:
    return api.delete(f"{URL}/{declaration_id}", headers=headers)


def test_delete_before_expiry_is_409_for_everyone(api: TestClient) -> None:
    declaration_id = _create(api)
    for headers in (state("SEN"), operator(), secretariat()):
        response = api.delete(f"{URL}/{declaration_id}", headers=headers)
        assert response.status_code == 409
        assert response.json()["code"] == "retention_active"


def test_retain_until_is_30_years_after_the_declaration(api: TestClient) -> None:
    created = api.post(URL, json=declaration(), headers=state("SEN")).json()
    declared = api.get(f"{URL}/{created['id']}", headers=state("SEN")).json()["declared_at"]
    assert created["retain_until"] == f"{int(declared[:4]) + 30}{declared[4:10]}"


def test_disposal_after_expiry_removes_content_but_keeps_hashes_and_log(
    api: TestClient, clock: MovableClock
) -> None:
    declaration_id = _create(api)
    before = api.get(f"{URL}/{declaration_id}", headers=state("SEN")).json()
    clock.advance(years=31)
    response = api.delete(f"{URL}/{declaration_id}", headers=operator())
    assert response.status_code == 200, response.text
    assert response.json()["log_index"] == 1
    after = api.get(f"{URL}/{declaration_id}", headers=state("SEN")).json()
    assert after["record"] is None
    assert after["record_sha256"] == before["record_sha256"]
    assert after["disposed_at"] is not None
    entries = api.get(
        "/declarations/v1/log/entries", params={"start": 0, "end": 2}, headers=state("SEN")
    ).json()["entries"]
    assert entries[0]["entry"]["record_sha256"] == before["record_sha256"]
    assert entries[0]["record"] is None
    assert entries[1]["entry"]["type"] == "disposal"
    again = api.delete(f"{URL}/{declaration_id}", headers=operator())
    assert again.json()["code"] == "already_disposed"


def test_a_legal_hold_blocks_disposal_until_lifted(api: TestClient, clock: MovableClock) -> None:
    declaration_id = _create(api)
    hold = api.post(
        f"{URL}/{declaration_id}/holds",
        json={"reason": "Panel of Experts inquiry"},
        headers=secretariat(),
    )
    assert hold.status_code == 201, hold.text
    clock.advance(years=31)
    blocked = api.delete(f"{URL}/{declaration_id}", headers=state("SEN"))
    assert blocked.status_code == 409
    assert blocked.json()["code"] == "legal_hold_active"
    lifted = api.request(
        "DELETE",
        f"{URL}/{declaration_id}/holds",
        json={"reason": "inquiry closed"},
        headers=operator(),
    )
    assert lifted.status_code == 200, lifted.text
    assert lifted.json()["items"][0]["lift_reason"] == "inquiry closed"
    assert api.delete(f"{URL}/{declaration_id}", headers=state("SEN")).status_code == 200


def test_a_member_state_cannot_place_a_hold(api: TestClient) -> None:
    declaration_id = _create(api)
    response = api.post(f"{URL}/{declaration_id}/holds", json={"reason": "x"}, headers=state("SEN"))
    assert response.status_code == 403


def test_a_secretariat_cannot_hold_a_record_outside_its_community(api: TestClient) -> None:
    declaration_id = _create(api)
    response = api.post(
        f"{URL}/{declaration_id}/holds", json={"reason": "x"}, headers=secretariat("ECCAS")
    )
    assert response.status_code == 404


def test_holds_are_listed_with_their_lifts(api: TestClient) -> None:
    declaration_id = _create(api)
    api.post(f"{URL}/{declaration_id}/holds", json={"reason": "a"}, headers=operator())
    listed = api.get(f"{URL}/{declaration_id}/holds", headers=state("SEN")).json()["items"]
    assert [(h["reason"], h["lifted_at"]) for h in listed] == [("a", None)]


def test_another_state_cannot_dispose_after_expiry(api: TestClient, clock: MovableClock) -> None:
    declaration_id = _create(api)
    clock.advance(years=31)
    assert api.delete(f"{URL}/{declaration_id}", headers=state("CIV")).status_code == 404
    assert api.delete(f"{URL}/{declaration_id}", headers=secretariat()).status_code == 403
