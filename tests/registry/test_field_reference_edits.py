"""Armed groups and headstamp codes are changed, not only added (issue 14, items 1 and 3):
every change carries a reason and is kept in the reference trail with the entry before
and after; records indexed afterwards resolve through the new values, records already
indexed keep theirs."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.registry.factories import INDEX, declared_weapon, delivery
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

GROUPS = "/registry/v1/reference/armed-groups"
STAMPS = "/registry/v1/reference/headstamps"
CHANGES = "/registry/v1/reference/changes"
ALERTS = "/registry/v1/alerts"
INCIDENTS = [f"c0ffee00-0000-4000-8000-00000000000{n}" for n in range(1, 7)]


def _deliver(client: TestClient, auth_api: AuthApi, body: dict[str, Any]) -> int:
    response = client.post(INDEX, json=body, headers=auth_api.operator_headers(("index:write",)))
    return int(assert_status(response, 200)["alerts"])


def _fired_cases(declaration_id: str, incident_id: str, headstamp: str) -> dict[str, Any]:
    item = {
        "item_index": 0,
        "kind": "ammunition",
        "calibre": "7.62x39mm",
        "headstamp": headstamp,
        "condition": "fired",
        "quantity": 12,
    }
    incident = {
        "id": incident_id,
        "type": "attack_on_mission",
        "date": "2024-05-10",
        "country": "MLI",
        "presumed_user": "unknown gunmen",
    }
    return delivery(
        [item], declaration_id=declaration_id, incident_id=incident_id, incident=incident
    )


def _linkage(client: TestClient, auth_api: AuthApi) -> list[dict[str, Any]]:
    response = client.get(ALERTS, params={"kind": "linkage"}, headers=auth_api.operator_headers())
    return list(assert_status(response, 200)["items"])


def _trail(client: TestClient, auth_api: AuthApi, entity: str, key: str) -> list[Any]:
    response = client.get(
        CHANGES, params={"entity": entity, "key": key}, headers=auth_api.operator_headers()
    )
    return list(assert_status(response, 200)["items"])


def test_a_corrected_maker_resolves_headstamps_indexed_afterwards_with_the_old_in_the_trail(
    client: TestClient, auth_api: AuthApi
) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    stamp = {"code": "ZQ7", "maker": "Wrong Maker", "source": "field report"}
    assert_status(client.post(STAMPS, json=stamp, headers=ecowas), 201)
    assert _deliver(client, auth_api, _fired_cases("decl-1", INCIDENTS[0], "ZQ7 15")) == 0
    assert _deliver(client, auth_api, _fired_cases("decl-2", INCIDENTS[1], "ZQ7 15")) == 1

    changes = {"maker": "Right Maker", "country": "RUS", "reason": "misread factory code"}
    corrected = assert_status(client.patch(f"{STAMPS}/zq7", json=changes, headers=ecowas), 200)
    assert (corrected["code"], corrected["maker"], corrected["country"]) == (
        "ZQ7",
        "Right Maker",
        "RUS",
    )
    # Cases indexed from now on resolve to the right maker: a signature of their own.
    assert _deliver(client, auth_api, _fired_cases("decl-3", INCIDENTS[2], "ZQ7 15")) == 0
    assert _deliver(client, auth_api, _fired_cases("decl-4", INCIDENTS[3], "ZQ7 15")) == 1
    first, second = _linkage(client, auth_api)
    makers = {
        tuple(d["declaration_id"] for d in alert["evidence"]["declarations"]): {
            d["headstamp_maker"] for d in alert["evidence"]["declarations"]
        }
        for alert in (first, second)
    }
    # Those indexed before keep the reading made when they were delivered.
    assert makers == {("decl-1", "decl-2"): {"Wrong Maker"}, ("decl-3", "decl-4"): {"Right Maker"}}

    created, updated = _trail(client, auth_api, "headstamp", "ZQ7")
    assert (created["action"], updated["action"]) == ("create", "update")
    assert updated["reason"] == "misread factory code"
    assert updated["actor_org"] == "ECOWAS"
    assert (updated["before"]["maker"], updated["after"]["maker"]) == ("Wrong Maker", "Right Maker")
    assert (updated["before"]["country"], updated["after"]["country"]) == (None, "RUS")


def _rifle_found_in_niger(declaration_id: str, presumed_user: str) -> dict[str, Any]:
    # Niger has no territorial embargo: only a presumed user resolving to a listed group
    # (the seeded ISIL/Al-Qaida entry covers ISGS) raises an alert.
    return delivery(
        [declared_weapon(0, f"AL-{declaration_id}", year_of_manufacture=2018)],
        declaration_id=declaration_id,
        location_country="NER",
        event_date="2022-02-01",
        presumed_user=presumed_user,
    )


def _embargo_alerts(client: TestClient, auth_api: AuthApi) -> list[tuple[str, str]]:
    response = client.get(ALERTS, params={"kind": "embargo"}, headers=auth_api.operator_headers())
    alerts = assert_status(response, 200)["items"]
    return [(a["declaration_id"], a["evidence"]["armed_group"]) for a in alerts]


def test_an_alias_added_then_removed_changes_how_later_presumed_users_resolve(
    client: TestClient, auth_api: AuthApi
) -> None:
    nickname = "Les hommes du Grand Sahara"
    eccas = auth_api.secretariat_headers("ECCAS")
    _deliver(client, auth_api, _rifle_found_in_niger("decl-1", nickname))
    assert _embargo_alerts(client, auth_api) == []

    added = client.patch(
        f"{GROUPS}/ISGS",
        json={"add_aliases": [nickname], "reason": "name used in 2022 seizure reports"},
        headers=eccas,
    )
    assert nickname in assert_status(added, 200)["aliases"]
    _deliver(client, auth_api, _rifle_found_in_niger("decl-2", nickname))
    assert _embargo_alerts(client, auth_api) == [("decl-2", "ISGS")]

    removed = client.patch(
        f"{GROUPS}/ISGS",
        json={"remove_aliases": [nickname.upper()], "reason": "the name is a local band's"},
        headers=eccas,
    )
    assert nickname not in assert_status(removed, 200)["aliases"]
    _deliver(client, auth_api, _rifle_found_in_niger("decl-3", nickname))
    assert _embargo_alerts(client, auth_api) == [("decl-2", "ISGS")]

    add, remove = _trail(client, auth_api, "armed_group", "ISGS")
    assert nickname not in add["before"]["aliases"]
    assert nickname in add["after"]["aliases"]
    assert nickname in remove["before"]["aliases"]
    assert nickname not in remove["after"]["aliases"]
    assert [add["reason"], remove["reason"]] == [
        "name used in 2022 seizure reports",
        "the name is a local band's",
    ]


def test_a_group_is_retired_with_active_to_and_a_change_of_nothing_writes_nothing(
    client: TestClient, auth_api: AuthApi
) -> None:
    admin = auth_api.admin_headers()
    before = len(_trail(client, auth_api, "armed_group", "KATIBAT_MACINA"))
    retire = {"active_to": "2024-12-31", "reason": "absorbed; no longer reported separately"}
    retired = assert_status(
        client.patch(f"{GROUPS}/KATIBAT_MACINA", json=retire, headers=admin), 200
    )
    assert retired["active_to"] == "2024-12-31"
    again = assert_status(client.patch(f"{GROUPS}/KATIBAT_MACINA", json=retire, headers=admin), 200)
    assert again == retired
    trail = _trail(client, auth_api, "armed_group", "KATIBAT_MACINA")
    assert len(trail) == before + 1
    assert (trail[-1]["before"]["active_to"], trail[-1]["after"]["active_to"]) == (
        "2017-03-02",  # as seeded (it merged into JNIM): kept in the trail
        "2024-12-31",
    )
    listed = assert_status(client.get(GROUPS, params={"limit": 1000}, headers=admin), 200)
    (katiba,) = [g for g in listed["items"] if g["code"] == "KATIBAT_MACINA"]
    assert katiba["active_to"] == "2024-12-31"


def test_bad_edits_are_refused_naming_every_problem_and_change_nothing(
    client: TestClient, auth_api: AuthApi
) -> None:
    admin = auth_api.admin_headers()
    bad = {
        "add_aliases": ["Katiba Massina"],  # Katibat Macina's
        "remove_aliases": ["not an alias"],
        "active_from": "2020-01-01",
        "active_to": "2019-01-01",
        "part_of": "NOPE",
        "reason": "test",
    }
    refused = client.patch(f"{GROUPS}/JNIM", json=bad, headers=admin)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert {e["loc"] for e in refused.json()["errors"]} == {
        "add_aliases[0]",
        "remove_aliases[0]",
        "active_to",
        "part_of",
    }
    # Katibat Macina is part of JNIM: JNIM cannot become part of it.
    circular = client.patch(
        f"{GROUPS}/JNIM", json={"part_of": "KATIBAT_MACINA", "reason": "x"}, headers=admin
    )
    assert [e["loc"] for e in circular.json()["errors"]] == ["part_of"]
    no_reason = client.patch(f"{STAMPS}/711", json={"maker": "X"}, headers=admin)
    assert no_reason.status_code == 422
    assert any("reason" in e["loc"] for e in no_reason.json()["errors"])
    null_maker = client.patch(f"{STAMPS}/711", json={"maker": None, "reason": "x"}, headers=admin)
    assert null_maker.status_code == 422
    unknown = client.patch(f"{STAMPS}/NOPE", json={"maker": "X", "reason": "x"}, headers=admin)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "headstamp_not_found")
    missing = client.patch(f"{GROUPS}/NOPE", json={"reason": "x"}, headers=admin)
    assert (missing.status_code, missing.json()["code"]) == (404, "armed_group_not_found")
    state = client.patch(
        f"{GROUPS}/JNIM",
        json={"note": "x", "reason": "x"},
        headers=auth_api.member_state_headers("MLI"),
    )
    assert state.status_code == 403
    assert [c["action"] for c in _trail(client, auth_api, "armed_group", "JNIM")] == []
    assert [c["action"] for c in _trail(client, auth_api, "headstamp", "711")] == []
