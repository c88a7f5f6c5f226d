"""Incidents (issue 14, item 3): recorded by a state, read by the state that recorded
them and by the secretariats covering their country; named by declarations of any
state that knows their id, which learns nothing more of them than it declared."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.common.database import make_engine
from tests.declarations.support import Callers, declaration, weapon
from tests.support.responses import assert_status

INCIDENTS = "/declarations/v1/incidents"
DECLARATIONS = "/declarations/v1/declarations"


def ambush(**overrides: Any) -> dict[str, Any]:
    body = {
        "type": "attack_on_mission",
        "date": "2023-06-11",
        "location": {"country": "MLI", "place": "Ber", "lat": 16.27, "lon": -3.36},
        "presumed_user": "Katibat Macina",
        "description": "convoy ambushed north of Ber",
    }
    return {**body, **overrides}


def _ids(client: TestClient, headers: dict[str, str]) -> list[str]:
    page = assert_status(client.get(INCIDENTS, headers=headers), 200)
    return [item["id"] for item in page["items"]]


def test_an_incident_is_recorded_as_declared_and_read_back_by_its_creator(
    client: TestClient, callers: Callers
) -> None:
    created = assert_status(
        client.post(INCIDENTS, json=ambush(), headers=callers.state("NER")), 201
    )
    read = assert_status(
        client.get(f"{INCIDENTS}/{created['id']}", headers=callers.state("NER")), 200
    )
    assert read == created
    assert {k: read[k] for k in ("type", "date", "location", "presumed_user")} == {
        k: ambush()[k] for k in ("type", "date", "location", "presumed_user")
    }
    assert read["submitted_by"]["type"] == "client"
    assert _ids(client, callers.state("NER")) == [created["id"]]


def test_other_states_do_not_read_an_incident_but_the_secretariat_covering_its_country_does(
    client: TestClient, callers: Callers
) -> None:
    created = assert_status(
        client.post(INCIDENTS, json=ambush(), headers=callers.state("NER")), 201
    )
    url = f"{INCIDENTS}/{created['id']}"
    # Mali, where it happened, and Senegal did not record it: as if it did not exist.
    for state in ("MLI", "SEN"):
        missing = client.get(url, headers=callers.state(state))
        assert missing.status_code == 404
        assert missing.json()["code"] == "incident_not_found"
        assert _ids(client, callers.state(state)) == []
    assert (
        assert_status(client.get(url, headers=callers.secretariat("ECOWAS")), 200)["id"]
        == (created["id"])
    )
    assert _ids(client, callers.secretariat("ECOWAS")) == [created["id"]]
    assert client.get(url, headers=callers.secretariat("ECCAS")).status_code == 404
    assert _ids(client, callers.secretariat("ECCAS")) == []


def test_a_state_that_knows_the_id_names_the_incident_in_its_own_declaration(
    client: TestClient, callers: Callers
) -> None:
    incident = assert_status(
        client.post(INCIDENTS, json=ambush(), headers=callers.state("NER")), 201
    )["id"]
    for state in ("NER", "SEN"):
        body = declaration(state, event_date="2023-06-11", incident_id=incident)
        created = assert_status(
            client.post(DECLARATIONS, json=body, headers=callers.state(state)), 201
        )
        view = client.get(f"{DECLARATIONS}/{created['id']}", headers=callers.state(state))
        assert assert_status(view, 200)["record"]["incident_id"] == incident
    # Naming it reveals nothing more: Senegal still does not read the incident.
    assert client.get(f"{INCIDENTS}/{incident}", headers=callers.state("SEN")).status_code == 404


def test_a_declaration_naming_an_unknown_incident_is_refused_with_the_field_named(
    client: TestClient, callers: Callers
) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    body = declaration("SEN", incident_id=unknown, items=[weapon(), {"kind": "ammunition"}])
    refused = client.post(DECLARATIONS, json=body, headers=callers.state("SEN"))
    assert refused.status_code == 422
    locs = {e["loc"] for e in refused.json()["errors"]}
    assert "items[1].ammunition.calibre" in locs  # every problem named, not only the first
    refused = client.post(
        DECLARATIONS, json=declaration("SEN", incident_id=unknown), headers=callers.state("SEN")
    )
    assert refused.status_code == 422
    assert [e["loc"] for e in refused.json()["errors"]] == ["incident_id"]


def test_bad_incidents_are_refused_naming_every_problem(
    client: TestClient, callers: Callers
) -> None:
    bad = ambush(type="raid", date="2999-01-01", location={"country": "MLI", "lat": 16.2})
    refused = client.post(INCIDENTS, json=bad, headers=callers.state("NER"))
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert [e["loc"] for e in refused.json()["errors"]] == ["type"]
    refused = client.post(
        INCIDENTS,
        json=ambush(date="2999-01-01", location={"country": "MLI", "lat": 16.2}),
        headers=callers.state("NER"),
    )
    assert refused.status_code == 422
    assert {e["loc"] for e in refused.json()["errors"]} == {"date", "location"}


def test_recording_an_incident_needs_the_write_scope(client: TestClient, callers: Callers) -> None:
    refused = client.post(
        INCIDENTS, json=ambush(), headers=callers.state("NER", scopes="register:read")
    )
    assert refused.status_code == 403
    assert client.post(INCIDENTS, json=ambush()).status_code == 401


def test_ammunition_is_recorded_as_found_and_old_shapes_keep_their_bytes(
    client: TestClient, callers: Callers
) -> None:
    cases = {
        "kind": "ammunition",
        "calibre": "7.62 × 39 mm",
        "headstamp": "711  15",
        "condition": "fired",
        "quantity": 40,
    }
    with_lot = {"kind": "ammunition", "calibre": "7,62 × 39 mm", "lot_number": "L-1", "quantity": 5}
    body = declaration("SEN", items=[cases, with_lot], presumed_user=None)
    created = assert_status(client.post(DECLARATIONS, json=body, headers=callers.state("SEN")), 201)
    record = assert_status(
        client.get(f"{DECLARATIONS}/{created['id']}", headers=callers.state("SEN")), 200
    )["record"]
    # Kept verbatim (two spaces included); a record without the new members has no key
    # for them, so a version declared before them hashes as it always did.
    assert record["items"] == [cases, with_lot]
    assert "incident_id" not in record
    refused = client.post(
        DECLARATIONS,
        json=declaration("SEN", items=[cases | {"condition": "spent", "quantity": 0}]),
        headers=callers.state("SEN"),
    )
    assert refused.status_code == 422
    assert {e["loc"] for e in refused.json()["errors"]} == {
        "items[0].ammunition.condition",
        "items[0].ammunition.quantity",
    }


def test_the_database_refuses_to_change_or_delete_an_incident(
    client: TestClient, callers: Callers, declarations_url: str
) -> None:
    assert_status(client.post(INCIDENTS, json=ambush(), headers=callers.state("NER")), 201)
    engine = make_engine(declarations_url)
    try:
        for statement in (
            "UPDATE incidents SET presumed_user = 'someone else'",
            "DELETE FROM incidents",
        ):
            with pytest.raises(DBAPIError) as refused, engine.begin() as connection:
                connection.execute(text(statement))
            assert "incidents is insert-only" in str(refused.value.orig)
    finally:
        engine.dispose()
