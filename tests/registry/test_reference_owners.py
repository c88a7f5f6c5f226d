"""Missions have owners and reference data a trail (issue 12, item 4).

A mission is changed by the operator or by the secretariat of the community that
authorised it (ECOWAS missions by ECOWAS, ECCAS missions by ECCAS; UN, AU and other
missions by the operator only): ECCAS clearing MINUSMA's end date, which would silence
every unreturned-weapon alert of its contingents, is a 403. Every change to missions
and embargoes is in an insert-only trail (who, from where, when, before and after),
written in the transaction of the change and readable by secretariats and the operator.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jose import jwt
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from services.common.database import make_engine
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

MISSIONS = "/registry/v1/missions"
CHANGES = "/registry/v1/reference/changes"
EMBARGOES = "/registry/v1/embargoes"


def _mission(code: str, authority: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"Test mission {code}",
        "authority": authority,
        "host_countries": ["TCD"],
        "start_date": "2024-01-01",
    }


def _changes(client: TestClient, headers: dict[str, str], **query: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = assert_status(
        client.get(CHANGES, params=query, headers=headers), 200
    )["items"]
    # The entries data migrations wrote (registry0028's MISCA start) are not these tests'.
    return [item for item in items if not item["actor"].startswith("migration ")]


@pytest.fixture
def registry_engine(database_urls: dict[str, str]) -> Iterator[Engine]:
    engine = make_engine(database_urls["registry"])
    yield engine
    engine.dispose()


def test_a_secretariat_may_not_end_another_communitys_or_the_uns_mission(
    client: TestClient, auth_api: AuthApi, sen: dict[str, str]
) -> None:
    eccas = auth_api.secretariat_headers("ECCAS")
    ecowas = auth_api.secretariat_headers("ECOWAS")
    minusma = assert_status(client.get(f"{MISSIONS}/MINUSMA", headers=sen), 200)
    for headers, code in ((eccas, "MINUSMA"), (ecowas, "MINUSMA"), (eccas, "ECOMIG")):
        refused = client.patch(f"{MISSIONS}/{code}", json={"end_date": None}, headers=headers)
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "mission_not_owned"
    assert assert_status(client.get(f"{MISSIONS}/MINUSMA", headers=sen), 200) == minusma
    assert _changes(client, auth_api.admin_headers()) == []


def test_a_secretariat_changes_its_own_communitys_missions(
    client: TestClient, auth_api: AuthApi
) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    eccas = auth_api.secretariat_headers("ECCAS")
    ended = client.patch(f"{MISSIONS}/ECOMIG", json={"end_date": "2026-06-30"}, headers=ecowas)
    assert assert_status(ended, 200)["end_date"] == "2026-06-30"
    renamed = client.patch(f"{MISSIONS}/MICOPAX", json={"name": "MICOPAX (ECCAS)"}, headers=eccas)
    assert assert_status(renamed, 200)["name"] == "MICOPAX (ECCAS)"


def test_only_the_operator_changes_un_and_au_missions(
    client: TestClient, auth_api: AuthApi
) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    # MNJTF (AU) deploys in ECOWAS and ECCAS states: neither secretariat owns it.
    refused = client.patch(f"{MISSIONS}/MNJTF", json={"name": "MNJTF"}, headers=ecowas)
    assert refused.status_code == 403
    admin = auth_api.admin_headers()
    for code in ("MNJTF", "MINUSMA"):
        changed = client.patch(f"{MISSIONS}/{code}", json={"name": f"{code} (op)"}, headers=admin)
        assert assert_status(changed, 200)["name"] == f"{code} (op)"


def test_a_secretariat_adds_missions_of_its_own_community_only(
    client: TestClient, auth_api: AuthApi
) -> None:
    eccas = auth_api.secretariat_headers("ECCAS")
    for code, authority in (("TESTUN", "UN"), ("TESTAU", "AU"), ("TESTWA", "ecowas")):
        refused = client.post(MISSIONS, json=_mission(code, authority), headers=eccas)
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "mission_not_owned"
        assert client.get(f"{MISSIONS}/{code}", headers=eccas).status_code == 404
    assert_status(client.post(MISSIONS, json=_mission("TESTCA", "eccas"), headers=eccas), 201)
    admin = auth_api.admin_headers()
    assert_status(client.post(MISSIONS, json=_mission("TESTUN", "UN"), headers=admin), 201)


def test_every_change_is_in_the_trail_with_who_when_before_and_after(
    client: TestClient, auth_api: AuthApi
) -> None:
    ecowas = {**auth_api.secretariat_headers("ECOWAS"), "X-Request-ID": "req-ecomig-1"}
    assert_status(client.post(MISSIONS, json=_mission("TESTWA", "ECOWAS"), headers=ecowas), 201)
    assert_status(
        client.patch(f"{MISSIONS}/ECOMIG", json={"end_date": "2026-06-30"}, headers=ecowas), 200
    )
    admin = auth_api.admin_headers()
    embargo = assert_status(
        client.post(
            EMBARGOES,
            json={
                "country": "CAF",
                "starts_on": "2013-12-05",
                "authority": "UN",
                "reference": "UNSC res. 2127 (2013)",
            },
            headers=admin,
        ),
        201,
    )
    trail = _changes(client, auth_api.secretariat_headers("ECCAS"))
    assert [(c["entity"], c["key"], c["action"]) for c in trail] == [
        ("mission", "TESTWA", "create"),
        ("mission", "ECOMIG", "update"),
        ("embargo", embargo["id"], "create"),
    ]
    created, ended, embargoed = trail
    assert created["before"] is None
    assert created["after"]["authority"] == "ECOWAS"
    assert (ended["before"]["end_date"], ended["after"]["end_date"]) == (None, "2026-06-30")
    assert ended["before"]["name"] == ended["after"]["name"] == "ECOWAS Mission in The Gambia"
    assert (ended["actor_org"], ended["request_id"], ended["address"]) == (
        "ECOWAS",
        "req-ecomig-1",
        "testclient",
    )
    token = ecowas["Authorization"].removeprefix("Bearer ")
    assert ended["actor"] == jwt.get_unverified_claims(token)["sub"]
    assert ended["occurred_at"].endswith(("Z", "+00:00"))
    assert (embargoed["actor_org"], embargoed["after"]["country"]) == ("OPERATOR", "CAF")
    assert embargoed["actor"] == embargo["created_by"]


def test_refused_and_empty_changes_leave_no_entry(
    client: TestClient, auth_api: AuthApi, sen: dict[str, str]
) -> None:
    admin = auth_api.admin_headers()
    for response in (
        client.patch(f"{MISSIONS}/MINUSCA", json={"end_date": "2026-06-30"}, headers=sen),
        client.patch(f"{MISSIONS}/MINUSCA", json={"end_date": "2001-01-01"}, headers=admin),
        client.patch(f"{MISSIONS}/MINUSCA", json={}, headers=admin),
        client.post(MISSIONS, json=_mission("MINUSCA", "UN"), headers=admin),
    ):
        assert response.status_code in (200, 403, 409, 422), response.text
    assert _changes(client, admin) == []


def test_member_states_may_not_read_the_trail(client: TestClient, sen: dict[str, str]) -> None:
    refused = client.get(CHANGES, headers=sen)
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"


def test_the_trail_pages_by_keyset_and_filters_on_entity_and_key(
    client: TestClient, auth_api: AuthApi
) -> None:
    admin = auth_api.admin_headers()
    for name in ("one", "two", "three"):
        patch = client.patch(f"{MISSIONS}/MINUSCA", json={"name": f"MINUSCA {name}"}, headers=admin)
        assert_status(patch, 200)
    assert_status(client.patch(f"{MISSIONS}/MONUSCO", json={"name": "M"}, headers=admin), 200)
    first = assert_status(
        client.get(CHANGES, params={"key": "MINUSCA", "limit": 2}, headers=admin), 200
    )
    rest = assert_status(
        client.get(
            CHANGES, params={"key": "MINUSCA", "cursor": first["next_cursor"]}, headers=admin
        ),
        200,
    )
    names = [c["after"]["name"] for c in first["items"] + rest["items"]]
    assert names == ["MINUSCA one", "MINUSCA two", "MINUSCA three"]
    assert rest["next_cursor"] is None
    assert len(_changes(client, admin, entity="mission")) == 4
    assert _changes(client, admin, entity="embargo") == []
    bad = client.get(CHANGES, params={"entity": "manifest", "key": ""}, headers=admin)
    assert bad.status_code == 422
    assert {e["loc"] for e in bad.json()["errors"]} == {"query.entity", "query.key"}


def test_the_database_refuses_to_rewrite_the_trail(
    client: TestClient, auth_api: AuthApi, registry_engine: Engine
) -> None:
    admin = auth_api.admin_headers()
    assert_status(client.patch(f"{MISSIONS}/MINUSMA", json={"name": "M"}, headers=admin), 200)
    statements = {
        "UPDATE": "UPDATE reference_changes SET after = before",
        "DELETE": "DELETE FROM reference_changes",
    }
    if registry_engine.dialect.name == "postgresql":
        statements["TRUNCATE"] = "TRUNCATE reference_changes"
    for action, statement in statements.items():
        with pytest.raises(DBAPIError) as refused, registry_engine.begin() as connection:
            connection.execute(text(statement))
        message = f"the reference trail is insert-only: {action} on reference_changes refused"
        assert message in str(refused.value.orig), str(refused.value.orig)
    assert len(_changes(client, admin)) == 1


def test_a_change_whose_entry_cannot_be_written_is_not_made(
    client: TestClient, auth_api: AuthApi, sen: dict[str, str], registry_engine: Engine
) -> None:
    # The entry is written in the change's transaction: when the database refuses the
    # entry, the mission stays as it was.
    with registry_engine.begin() as connection:
        connection.execute(text(_REFUSE_INSERTS[registry_engine.dialect.name]))
    failing = TestClient(client.app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    admin = auth_api.admin_headers()
    response = failing.patch(f"{MISSIONS}/MINUSCA", json={"end_date": "2026-06-30"}, headers=admin)
    assert response.status_code == 500
    assert client.get(f"{MISSIONS}/MINUSCA", headers=sen).json()["end_date"] is None


_REFUSE_INSERTS = {
    "sqlite": "CREATE TRIGGER test_refuse_entries BEFORE INSERT ON reference_changes"
    " BEGIN SELECT RAISE(ABORT, 'no entries in this test'); END",
    "postgresql": "CREATE FUNCTION test_refuse_entries() RETURNS trigger LANGUAGE plpgsql AS"
    " $$ BEGIN RAISE EXCEPTION 'no entries in this test'; END $$;"
    " CREATE TRIGGER test_refuse_entries BEFORE INSERT ON reference_changes"
    " FOR EACH ROW EXECUTE FUNCTION test_refuse_entries()",
}
