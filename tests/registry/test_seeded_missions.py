"""The region's missions as seeded (issue 14, item 7): each with the mandate its start
date comes from, "check" where a date is not confirmed, and the MNJTF under the Lake Chad
Basin Commission, which only the operator changes."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

MISSIONS = "/registry/v1/missions"


def test_every_seeded_mission_names_its_source(client: TestClient, auth_api: AuthApi) -> None:
    headers = auth_api.member_state_headers("SEN")
    listed = assert_status(client.get(MISSIONS, params={"limit": 200}, headers=headers), 200)
    by_code = {m["code"]: m for m in listed["items"]}
    expected = {"ECOMOG", "ECOMIL", "ECOMICI", "MICOPAX", "FOMUC", "MINURCA", "AFISMA"}
    assert expected | {"MISCA", "SSMGB"} <= set(by_code)
    assert [code for code, m in by_code.items() if not m["source"]] == []
    assert by_code["MINURCA"]["source"] == "UNSC res. 1159 (1998)"
    assert "check" in by_code["SSMGB"]["note"]


def test_the_mnjtf_is_a_lake_chad_basin_commission_force_changed_by_the_operator(
    client: TestClient, auth_api: AuthApi
) -> None:
    mnjtf = assert_status(
        client.get(f"{MISSIONS}/MNJTF", headers=auth_api.member_state_headers("NGA")), 200
    )
    assert mnjtf["authority"] == "LCBC"
    assert "authorised by the African Union" in mnjtf["note"]
    for community in ("ECCAS", "ECOWAS"):
        refused = client.patch(
            f"{MISSIONS}/MNJTF",
            json={"name": "x"},
            headers=auth_api.secretariat_headers(community),
        )
        assert refused.status_code == 403
    renamed = client.patch(
        f"{MISSIONS}/MNJTF", json={"name": "MNJTF"}, headers=auth_api.admin_headers()
    )
    assert_status(renamed, 200)


def test_a_new_mission_keeps_its_source_and_note(client: TestClient, auth_api: AuthApi) -> None:
    body = {
        "code": "TESTLC",
        "name": "Test mission",
        "authority": "LCBC",
        "host_countries": ["TCD"],
        "start_date": "2024-01-01",
        "source": "LCBC decision (test)",
        "note": "check",
    }
    created = assert_status(client.post(MISSIONS, json=body, headers=auth_api.admin_headers()), 201)
    assert (created["source"], created["note"]) == ("LCBC decision (test)", "check")


def test_the_operator_confirms_a_date_by_changing_source_and_note(
    client: TestClient, auth_api: AuthApi
) -> None:
    admin = auth_api.admin_headers()
    changed = client.patch(
        f"{MISSIONS}/SSMGB",
        json={"source": "ECOWAS Authority decision (confirmed)", "note": None},
        headers=admin,
    )
    assert (assert_status(changed, 200)["source"], changed.json()["note"]) == (
        "ECOWAS Authority decision (confirmed)",
        None,
    )
    refused = client.patch(f"{MISSIONS}/SSMGB", json={"source": None}, headers=admin)
    assert refused.status_code == 422
    changes = client.get(
        "/registry/v1/reference/changes", params={"key": "SSMGB"}, headers=admin
    ).json()["items"]
    assert [(c["before"]["note"], c["after"]["note"]) for c in changes] == [
        ("check the start and whether it has ended", None)
    ]
