"""No answers about other states' records: destruction is checked per declaring state,
and a secretariat's visibility of a record survives any amendment of its date."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.declarations.support import Callers, declaration, destruction, weapon

URL = "/declarations/v1/declarations"
LOG = "/declarations/v1/log"


def _post(client: TestClient, callers: Callers, body: dict[str, Any], country: str) -> str:
    response = client.post(URL, json=body, headers=callers.state(country))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _destroy_own(client: TestClient, callers: Callers, country: str, serial: str) -> str:
    seized = _post(client, callers, declaration(country, items=[weapon(serial)]), country)
    return _post(client, callers, destruction([seized], [weapon(serial)], country), country)


def test_another_states_destruction_of_the_item_is_neither_revealed_nor_blocking(
    client: TestClient, callers: Callers
) -> None:
    nga = _destroy_own(client, callers, "NGA", "AK-1")
    assert client.get(f"{URL}/{nga}", headers=callers.state("NGA")).status_code == 200
    # SEN may not read NGA's records: destroying the same serial neither fails nor
    # names NGA's declaration, so it learns nothing about NGA's register.
    undeclared = destruction([], [weapon("AK-1")], "SEN", undeclared=True)
    response = client.post(URL, json=undeclared, headers=callers.state("SEN"))
    assert response.status_code == 201, response.text
    assert nga not in response.text


def test_declaring_an_item_destroyed_first_does_not_block_the_owner(
    client: TestClient, callers: Callers
) -> None:
    _post(client, callers, destruction([], [weapon("AK-7")], "NGA", undeclared=True), "NGA")
    assert _destroy_own(client, callers, "SEN", "AK-7")


def test_a_state_still_cannot_destroy_its_own_item_twice(
    client: TestClient, callers: Callers
) -> None:
    first = _destroy_own(client, callers, "SEN", "AK-9")
    again = client.post(
        URL,
        json=destruction([], [weapon("AK-9")], "SEN", undeclared=True),
        headers=callers.state("SEN"),
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_destroyed"
    assert again.json()["errors"] == [{"loc": "items[0]", "msg": f"destroyed by {first}"}]


def _amend(
    client: TestClient, callers: Callers, declaration_id: str, changes: dict[str, Any]
) -> Any:
    etag = client.get(f"{URL}/{declaration_id}", headers=callers.state("SEN")).headers["ETag"]
    return client.post(
        f"{URL}/{declaration_id}/amendments",
        json={"reason": "date corrected", "changes": changes},
        headers=callers.state("SEN") | {"If-Match": etag},
    )


def test_amending_the_date_out_of_membership_keeps_record_versions_and_hold_visible(
    client: TestClient, callers: Callers
) -> None:
    declaration_id = _post(client, callers, declaration("SEN"), "SEN")
    hold = client.post(
        f"{URL}/{declaration_id}/holds",
        json={"reason": "Panel of Experts inquiry"},
        headers=callers.secretariat(),
    )
    assert hold.status_code == 201, hold.text
    # 1970: before ECOWAS's treaty (1975), so SEN was no member at that date.
    amended = _amend(client, callers, declaration_id, {"event_date": "1970-01-01"})
    assert amended.status_code == 201, amended.text
    secretariat = callers.secretariat()
    record = client.get(f"{URL}/{declaration_id}", headers=secretariat)
    assert record.status_code == 200, record.text
    assert record.json()["event_date"] == "1970-01-01"
    versions = client.get(f"{URL}/{declaration_id}/versions", headers=secretariat)
    assert versions.status_code == 200, versions.text
    assert len(versions.json()["items"]) == 2
    holds = client.get(f"{URL}/{declaration_id}/holds", headers=secretariat)
    assert holds.status_code == 200, holds.text
    assert [h["reason"] for h in holds.json()["items"]] == ["Panel of Experts inquiry"]
    listed = client.get(URL, params={"declaring_country": "SEN"}, headers=secretariat)
    assert declaration_id in [d["id"] for d in listed.json()["items"]]
    # The log's entries about it (creation, hold, amendment) stay readable too.
    log = client.get(f"{LOG}/entries", params={"start": 0, "end": 3}, headers=secretariat)
    assert log.status_code == 200, log.text
    entries = log.json()["entries"]
    assert [e["entry"]["declaration_id"] for e in entries] == [declaration_id] * 3, entries


def test_a_record_dated_outside_membership_from_the_start_stays_hidden(
    client: TestClient, callers: Callers
) -> None:
    declaration_id = _post(client, callers, declaration("SEN", event_date="1970-01-01"), "SEN")
    response = client.get(f"{URL}/{declaration_id}", headers=callers.secretariat())
    assert response.status_code == 404


def test_implausible_dates_are_refused_each_located(client: TestClient, callers: Callers) -> None:
    body = destruction([], [weapon("AK-3")], "SEN", undeclared=True, event_date="1944-12-31")
    body["destruction"]["date"] = "1900-01-01"
    response = client.post(URL, json=body, headers=callers.state("SEN"))
    assert response.status_code == 422
    assert {e["loc"] for e in response.json()["errors"]} >= {"event_date", "destruction.date"}


def test_an_amendment_to_an_implausible_date_is_refused(
    client: TestClient, callers: Callers
) -> None:
    declaration_id = _post(client, callers, declaration("SEN"), "SEN")
    response = _amend(client, callers, declaration_id, {"event_date": "1066-10-14"})
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == ["event_date"]
