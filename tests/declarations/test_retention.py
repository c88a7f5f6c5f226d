"""Retention: 30 years, legal holds, disposal of content only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from services.declarations.settings import DeclarationsSettings
from tests.declarations.support import Callers, MovableClock, declaration, declaration_at
from tests.support.responses import assert_status

URL = "/declarations/v1/declarations"


def _create(client: TestClient, callers: Callers) -> str:
    response = client.post(URL, json=declaration(), headers=callers.state("SEN"))
    assert response.status_code == 201
    return str(response.json()["id"])


def _create_expired(client: TestClient, callers: Callers, clock: MovableClock) -> str:
    """Declared 31 years ago: retention has expired by the database's date too."""
    clock.rewind(years=31)
    response = client.post(URL, json=declaration_at(clock), headers=callers.state("SEN"))
    assert response.status_code == 201
    clock.reset()
    return str(response.json()["id"])


def test_delete_before_expiry_is_409_for_everyone_who_may_dispose(
    client: TestClient, callers: Callers
) -> None:
    declaration_id = _create(client, callers)
    for headers in (callers.state("SEN"), callers.operator()):
        response = client.delete(f"{URL}/{declaration_id}", headers=headers)
        assert response.status_code == 409
        assert response.json()["code"] == "retention_active"


def test_retain_until_is_30_years_after_the_declaration(
    client: TestClient, callers: Callers
) -> None:
    created = assert_status(client.post(URL, json=declaration(), headers=callers.state("SEN")))
    declared = client.get(f"{URL}/{created['id']}", headers=callers.state("SEN")).json()[
        "declared_at"
    ]
    assert created["retain_until"] == f"{int(declared[:4]) + 30}{declared[4:10]}"


def test_disposal_after_expiry_removes_content_but_keeps_hashes_and_log(
    client: TestClient, callers: Callers, clock: MovableClock
) -> None:
    declaration_id = _create_expired(client, callers, clock)
    before = client.get(f"{URL}/{declaration_id}", headers=callers.state("SEN")).json()
    response = client.delete(f"{URL}/{declaration_id}", headers=callers.operator())
    assert response.status_code == 200, response.text
    assert response.json()["log_index"] == 1
    after = client.get(f"{URL}/{declaration_id}", headers=callers.state("SEN")).json()
    assert after["record"] is None
    assert after["record_sha256"] == before["record_sha256"]
    assert after["disposed_at"] is not None
    entries = client.get(
        "/declarations/v1/log/entries", params={"start": 0, "end": 2}, headers=callers.state("SEN")
    ).json()["entries"]
    assert entries[0]["entry"]["record_sha256"] == before["record_sha256"]
    assert entries[0]["record"] is None
    assert entries[1]["entry"]["type"] == "disposal"
    again = client.delete(f"{URL}/{declaration_id}", headers=callers.operator())
    assert again.json()["code"] == "already_disposed"


def test_a_legal_hold_blocks_disposal_until_lifted(
    client: TestClient, callers: Callers, clock: MovableClock
) -> None:
    declaration_id = _create_expired(client, callers, clock)
    hold = client.post(
        f"{URL}/{declaration_id}/holds",
        json={"reason": "Panel of Experts inquiry"},
        headers=callers.secretariat(),
    )
    assert hold.status_code == 201, hold.text
    blocked = client.delete(f"{URL}/{declaration_id}", headers=callers.state("SEN"))
    assert blocked.status_code == 409
    assert blocked.json()["code"] == "legal_hold_active"
    lifted = client.request(
        "DELETE",
        f"{URL}/{declaration_id}/holds",
        json={"reason": "inquiry closed"},
        headers=callers.operator(("admin", "register:read")),
    )
    assert lifted.status_code == 200, lifted.text
    assert lifted.json()["items"][0]["lift_reason"] == "inquiry closed"
    assert client.delete(f"{URL}/{declaration_id}", headers=callers.state("SEN")).status_code == 200


def test_a_member_state_cannot_place_a_hold(client: TestClient, callers: Callers) -> None:
    declaration_id = _create(client, callers)
    response = client.post(
        f"{URL}/{declaration_id}/holds", json={"reason": "x"}, headers=callers.state("SEN")
    )
    assert response.status_code == 403


def test_a_secretariat_cannot_hold_a_record_outside_its_community(
    client: TestClient, callers: Callers
) -> None:
    declaration_id = _create(client, callers)
    ecowas = callers.secretariat("ECOWAS")
    assert client.get(f"{URL}/{declaration_id}", headers=ecowas).status_code == 200
    response = client.post(
        f"{URL}/{declaration_id}/holds", json={"reason": "x"}, headers=callers.secretariat("ECCAS")
    )
    assert response.status_code == 404
    holds = client.get(f"{URL}/{declaration_id}/holds", headers=callers.state("SEN")).json()
    assert holds["items"] == []


def test_holds_are_listed_with_their_lifts(client: TestClient, callers: Callers) -> None:
    declaration_id = _create(client, callers)
    assert_status(
        client.post(
            f"{URL}/{declaration_id}/holds",
            json={"reason": "a"},
            headers=callers.operator(("admin", "register:read")),
        )
    )
    listed = client.get(f"{URL}/{declaration_id}/holds", headers=callers.state("SEN")).json()[
        "items"
    ]
    assert [(h["reason"], h["lifted_at"]) for h in listed] == [("a", None)]


def test_another_state_cannot_dispose_after_expiry(
    client: TestClient, callers: Callers, clock: MovableClock
) -> None:
    declaration_id = _create(client, callers)
    clock.advance(years=31)
    sen = callers.state("SEN")
    assert client.get(f"{URL}/{declaration_id}", headers=sen).json()["record"] is not None
    assert client.delete(f"{URL}/{declaration_id}", headers=callers.state("CIV")).status_code == 404
    assert (
        client.delete(f"{URL}/{declaration_id}", headers=callers.secretariat()).status_code == 403
    )
    assert client.get(f"{URL}/{declaration_id}", headers=sen).json()["record"] is not None


@pytest.mark.parametrize("years", ["29", "0", "-30"])
def test_retention_below_30_years_is_refused(monkeypatch: pytest.MonkeyPatch, years: str) -> None:
    monkeypatch.setenv("DECLARATIONS_RETENTION_YEARS", years)
    with pytest.raises(ValidationError) as refused:
        DeclarationsSettings()
    assert [e["loc"] for e in refused.value.errors()] == [("retention_years",)]


def test_retention_of_30_years_or_more_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECLARATIONS_RETENTION_YEARS", "30")
    assert DeclarationsSettings().retention_years == 30
    monkeypatch.setenv("DECLARATIONS_RETENTION_YEARS", "50")
    assert DeclarationsSettings().retention_years == 50
