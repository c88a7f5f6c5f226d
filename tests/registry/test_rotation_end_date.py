"""An ``in`` manifest's planned end of rotation (``rotation_end_date``): refused before
the crossing, read from the JSON body, the import's form or a column; ``rotation.ending``
and ``GET /registry/v1/rotations/ending`` count from it (else from the mission's end);
reconciliation does not (a plan is no proof of exit)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.common.tables import utcnow
from services.embedded import EmbeddedRegister, EmbeddedSettings
from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.registry.webhook_receiver import Receiver
from tests.registry.webhook_support import (
    check_rotations,
    receiver,
    register_endpoint,
    run_pass,
    webhook_settings,
)
from tests.support.auth_fixtures import AuthApi

__all__ = ["receiver"]  # the fixture

ROTATIONS = "/registry/v1/rotations/ending"
IMPORT = f"{MANIFESTS}/import"
MISSION = "TESTROT"
CROSSED = "2024-01-10"
HEADER = "kind,category,manufacturer,model,calibre,serial_number,rotation_end_date\n"
ROW = "weapon,assault_rifle,Kalashnikov Concern,AK-103,7.62x39mm,{serial},{end}\n"


@pytest.fixture
def register_settings(register_settings: EmbeddedSettings) -> EmbeddedSettings:
    return webhook_settings(register_settings)


@pytest.fixture
def mission(client: TestClient, auth_api: AuthApi) -> str:
    """A mission that goes on: no end date."""
    body = {
        "code": MISSION,
        "name": "Test mission without an end date",
        "authority": "AU",
        "host_countries": ["SOM"],
        "start_date": "2020-01-01",
    }
    made = client.post("/registry/v1/missions", json=body, headers=auth_api.operator_headers())
    assert made.status_code == 201, made.text
    return MISSION


def _in_days(days: int) -> str:
    return (utcnow().date() + timedelta(days=days)).isoformat()


def _post(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(MANIFESTS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _form(**overrides: str) -> dict[str, str]:
    form = {
        "direction": "in",
        "mission": MISSION,
        "contributing_country": "SEN",
        "unit": "SENBATT 7",
        "crossing_date": CROSSED,
    }
    form.update(overrides)
    return form


def _import(
    client: TestClient, headers: dict[str, str], csv: str, **form: str
) -> Any:  # the response
    return client.post(
        IMPORT, data=_form(**form), files={"file": ("m.csv", csv.encode())}, headers=headers
    )


def test_a_planned_end_in_ten_days_tells_that_unit_s_state_and_no_other_unit(
    client: TestClient,
    auth_api: AuthApi,
    register: EmbeddedRegister,
    receiver: Receiver,
    mission: str,
) -> None:
    sen, gha = auth_api.member_state_headers("SEN"), auth_api.member_state_headers("GHA")
    for org, headers in (("SEN", sen), ("GHA", gha)):
        register_endpoint(client, headers, receiver.url(f"/{org}"), ["rotation.ending"])
    ends = _in_days(10)
    planned = _post(
        client,
        sen,
        manifest(
            [weapon("RE-1"), weapon("RE-2")],
            mission=mission,
            crossing_date=CROSSED,
            rotation_end_date=ends,
        ),
    )
    assert planned["rotation_end_date"] == ends
    # Another unit of the same state, and one of another state, with no planned end in
    # the window: the mission goes on, so neither rotation ends.
    _post(client, sen, manifest([weapon("RE-3")], mission=mission, unit="SENBATT 8"))
    _post(
        client,
        gha,
        manifest(
            [weapon("RE-4")],
            mission=mission,
            country="GHA",
            unit="GHABATT 1",
            rotation_end_date=_in_days(60),
        ),
    )

    assert check_rotations(register, rotation_ending_days=5) == 0  # ends in 10 days
    assert check_rotations(register, rotation_ending_days=30) == 1
    assert check_rotations(register, rotation_ending_days=30) == 0  # once per rotation
    run_pass(register)
    [told] = receiver.on("/SEN")
    assert told.payload["data"] == {
        "mission": MISSION,
        "contributing_country": "SEN",
        "unit": "SENBATT 7",
        "rotation_ends_on": ends,
        "weapons_held": 2,
        "last_crossing_date": CROSSED,
    }
    assert receiver.on("/GHA") == []


def test_the_rotations_api_lists_the_caller_s_units_ending_with_weapons_held(
    client: TestClient, auth_api: AuthApi, mission: str
) -> None:
    sen, gha = auth_api.member_state_headers("SEN"), auth_api.member_state_headers("GHA")
    ends = _in_days(10)
    _post(client, sen, manifest([weapon("RA-1")], mission=mission, rotation_end_date=ends))
    _post(client, sen, manifest([weapon("RA-2")], mission=mission, unit="SENBATT 8"))
    # A unit that took its weapons out holds none: not listed.
    body = manifest(
        [weapon("RA-3")], mission=mission, unit="SENBATT 9", rotation_end_date=_in_days(5)
    )
    _post(client, sen, body)
    _post(
        client,
        sen,
        manifest(
            [weapon("RA-3")],
            mission=mission,
            unit="SENBATT 9",
            direction="out",
            crossing_date="2024-05-01",
        ),
    )
    _post(
        client,
        gha,
        manifest([weapon("RA-4")], mission=mission, country="GHA", rotation_end_date=ends),
    )

    listed = client.get(ROTATIONS, params={"within_days": 30}, headers=sen)
    assert listed.status_code == 200, listed.text
    assert listed.json() == {
        "items": [
            {
                "mission": MISSION,
                "contributing_country": "SEN",
                "unit": "SENBATT 7",
                "rotation_ends_on": ends,
                "ends_by": "planned_rotation_end",
                "weapons_held": 1,
                "last_crossing_date": "2024-03-01",
            }
        ],
        "more": False,
    }
    assert client.get(ROTATIONS, params={"within_days": 5}, headers=sen).json()["items"] == []
    [theirs] = client.get(ROTATIONS, params={"within_days": 30}, headers=gha).json()["items"]
    assert theirs["contributing_country"] == "GHA"
    # A secretariat reads its members' units (SEN and GHA are ECOWAS's); ECCAS neither.
    ecowas = auth_api.secretariat_headers("ECOWAS")
    seen = client.get(ROTATIONS, params={"within_days": 30}, headers=ecowas).json()["items"]
    assert sorted(r["contributing_country"] for r in seen) == ["GHA", "SEN"]
    eccas = auth_api.secretariat_headers("ECCAS")
    assert client.get(ROTATIONS, params={"within_days": 30}, headers=eccas).json()["items"] == []
    only_sen = client.get(ROTATIONS, params={"within_days": 30, "country": "SEN"}, headers=ecowas)
    assert [r["unit"] for r in only_sen.json()["items"]] == ["SENBATT 7"]
    limited = client.get(ROTATIONS, params={"within_days": 30, "limit": 1}, headers=ecowas)
    assert (len(limited.json()["items"]), limited.json()["more"]) == (1, True)


def test_a_later_in_manifest_without_a_planned_end_falls_back_to_the_mission_s_end(
    client: TestClient, auth_api: AuthApi
) -> None:
    operator, sen = auth_api.operator_headers(), auth_api.member_state_headers("SEN")
    body = {
        "code": "TESTEND",
        "name": "Test mission ending in 20 days",
        "authority": "UN",
        "host_countries": ["CAF"],
        "start_date": "2020-01-01",
        "end_date": _in_days(20),
    }
    assert client.post("/registry/v1/missions", json=body, headers=operator).status_code == 201
    first = manifest([weapon("RL-1")], mission="TESTEND", rotation_end_date=_in_days(100))
    _post(client, sen, first)
    assert client.get(ROTATIONS, params={"within_days": 30}, headers=sen).json()["items"] == []
    _post(client, sen, manifest([weapon("RL-2")], mission="TESTEND", crossing_date="2024-06-01"))
    [line] = client.get(ROTATIONS, params={"within_days": 30}, headers=sen).json()["items"]
    assert (line["rotation_ends_on"], line["ends_by"]) == (_in_days(20), "mission_end")
    assert line["weapons_held"] == 2


def test_a_planned_end_passed_is_no_proof_of_exit_for_reconciliation(
    client: TestClient, auth_api: AuthApi, mission: str
) -> None:
    sen = auth_api.member_state_headers("SEN")
    body = manifest([weapon("RP-1")], mission=mission, rotation_end_date="2024-06-30")
    _post(client, sen, body)
    lines = client.get(
        "/registry/v1/reconciliation", params={"mission": mission}, headers=sen
    ).json()["items"]
    assert [(line["status"], line["rotation_ended"]) for line in lines] == [("held", False)]
    # Past: not "ending" any more either.
    assert client.get(ROTATIONS, params={"within_days": 366}, headers=sen).json()["items"] == []


def test_a_planned_end_before_the_crossing_or_on_an_out_manifest_is_a_422_naming_it(
    client: TestClient, auth_api: AuthApi, mission: str
) -> None:
    sen = auth_api.member_state_headers("SEN")
    early = manifest([weapon("RV-1")], mission=mission, rotation_end_date="2024-02-29")
    refused = client.post(MANIFESTS, json=early, headers=sen)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [
        {"loc": "rotation_end_date", "msg": "before the crossing date (2024-03-01)"}
    ]
    out = manifest(
        [weapon("RV-1")], mission=mission, direction="out", rotation_end_date="2024-09-01"
    )
    refused = client.post(MANIFESTS, json=out, headers=sen)
    assert refused.status_code == 422
    assert [e["loc"] for e in refused.json()["errors"]] == ["rotation_end_date"] + [
        e["loc"] for e in refused.json()["errors"][1:]
    ]
    assert "only an 'in' manifest" in refused.json()["errors"][0]["msg"]
    not_a_date = manifest([weapon("RV-1")], mission=mission, rotation_end_date="soon")
    refused = client.post(MANIFESTS, json=not_a_date, headers=sen)
    assert refused.status_code == 422
    assert [e["loc"] for e in refused.json()["errors"]] == ["rotation_end_date"]
    assert client.get(MANIFESTS, params={"mission": mission}, headers=sen).json()["items"] == []


def test_the_import_reads_the_planned_end_from_a_column_on_any_row(
    client: TestClient, auth_api: AuthApi, mission: str
) -> None:
    sen = auth_api.member_state_headers("SEN")
    csv = HEADER + ROW.format(serial="RC-1", end="") + ROW.format(serial="RC-2", end="2025-01-31")
    stored = _import(client, sen, csv)
    assert stored.status_code == 201, stored.text
    assert stored.json()["rotation_end_date"] == "2025-01-31"
    shown = client.get(f"{MANIFESTS}/{stored.json()['id']}", headers=sen).json()
    assert shown["rotation_end_date"] == "2025-01-31"
    from_form = _import(
        client, sen, HEADER + ROW.format(serial="RC-3", end=""), rotation_end_date="2025-02-01"
    )
    assert from_form.status_code == 201, from_form.text
    assert from_form.json()["rotation_end_date"] == "2025-02-01"
    blank = _import(client, sen, HEADER + ROW.format(serial="RC-4", end=""), rotation_end_date="")
    assert blank.status_code == 201, blank.text
    assert blank.json()["rotation_end_date"] is None


def test_an_imported_planned_end_before_the_crossing_is_named_by_row_and_column(
    client: TestClient, auth_api: AuthApi, mission: str
) -> None:
    sen = auth_api.member_state_headers("SEN")
    csv = HEADER + ROW.format(serial="RB-1", end="") + ROW.format(serial="RB-2", end="2023-12-31")
    refused = _import(client, sen, csv)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [
        {
            "loc": "row 3, column G (rotation_end_date)",
            "msg": "before the crossing date (2024-01-10)",
        }
    ]
    garbled = _import(client, sen, HEADER + ROW.format(serial="RB-1", end="31/31/2025"))
    assert garbled.status_code == 422
    assert [e["loc"] for e in garbled.json()["errors"]] == ["row 2, column G (rotation_end_date)"]
    disagreeing = (
        HEADER
        + ROW.format(serial="RB-1", end="2025-01-31")
        + ROW.format(serial="RB-2", end="2025-03-31")
    )
    refused = _import(client, sen, disagreeing)
    assert refused.status_code == 422
    [problem] = refused.json()["errors"]
    assert problem["loc"] == "row 3, column G (rotation_end_date)"
    assert "differs from row 2 (2025-01-31)" in problem["msg"]
    against_form = _import(
        client,
        sen,
        HEADER + ROW.format(serial="RB-1", end="2025-01-31"),
        rotation_end_date="2025-02-01",
    )
    assert against_form.status_code == 422
    assert [e["loc"] for e in against_form.json()["errors"]] == [
        "row 2, column G (rotation_end_date)"
    ]
    assert client.get(MANIFESTS, params={"mission": mission}, headers=sen).json()["items"] == []
