"""Armed groups and headstamp codes (issue 14, items 1 and 3): editable reference data
with the reference trail, and what the index resolves through them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.registry.field_reference.resolution import read_headstamp
from services.registry.models import HeadstampCode
from tests.registry.factories import INDEX, declared_weapon, delivery
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

GROUPS = "/registry/v1/reference/armed-groups"
STAMPS = "/registry/v1/reference/headstamps"
CHANGES = "/registry/v1/reference/changes"
EMBARGOES = "/registry/v1/embargoes"
ALERTS = "/registry/v1/alerts"
CODES = [
    HeadstampCode(code="539", maker="Tula Cartridge Works", source="s"),
    HeadstampCode(code="61", maker="State Factory 61", source="s"),
]


def test_a_headstamp_reads_as_the_maker_of_its_code_and_its_year() -> None:
    assert read_headstamp("539 15", CODES, event_year=2019).maker == "Tula Cartridge Works"
    assert read_headstamp("539 15", CODES, event_year=2019).year == 2015
    # Two digits read in the century that does not put them after the event.
    assert read_headstamp("61-88", CODES, event_year=2019).year == 1988
    assert read_headstamp("15 * 539", CODES, event_year=2019).year == 2015
    unknown = read_headstamp("XYZ 2011", CODES, event_year=2019)
    assert (unknown.maker, unknown.year) == (None, 2011)
    # Two candidate years: none is guessed.
    assert read_headstamp("539 15 16", CODES, event_year=2019).year is None


def _group(**overrides: Any) -> dict[str, Any]:
    body = {
        "code": "FPRC",
        "name": "Front populaire pour la renaissance de la Centrafrique",
        "aliases": ["FPRC"],
        "active_from": "2014-10-01",
        "part_of": "EX_SELEKA",
        "source": "UN Panel of Experts on the CAR",
        "note": "check",
    }
    return body | overrides


def test_secretariats_add_armed_groups_with_the_trail_and_states_may_not(
    client: TestClient, auth_api: AuthApi
) -> None:
    refused = client.post(GROUPS, json=_group(), headers=auth_api.member_state_headers("CAF"))
    assert refused.status_code == 403
    no_admin = client.post(
        GROUPS, json=_group(), headers=auth_api.operator_headers(("register:read",))
    )
    assert no_admin.status_code == 403
    eccas = auth_api.secretariat_headers("ECCAS")
    created = assert_status(client.post(GROUPS, json=_group(), headers=eccas), 201)
    assert created["part_of"] == "EX_SELEKA"
    listed = assert_status(client.get(GROUPS, params={"limit": 1000}, headers=eccas), 200)
    codes = {g["code"] for g in listed["items"]}
    assert {"FPRC", "JNIM", "KATIBAT_MACINA", "ADF", "M23", "CODECO"} <= codes
    trail = assert_status(
        client.get(CHANGES, params={"entity": "armed_group"}, headers=eccas), 200
    )["items"]
    assert [(c["key"], c["action"]) for c in trail] == [("FPRC", "create")]
    assert client.post(GROUPS, json=_group(), headers=eccas).status_code == 409


def test_a_name_another_group_bears_or_an_unknown_parent_is_refused_naming_each(
    client: TestClient, auth_api: AuthApi
) -> None:
    body = _group(code="NEWGROUP", aliases=["FPRC-2", "Katiba Massina"], part_of="NOPE")
    refused = client.post(GROUPS, json=body, headers=auth_api.admin_headers())
    assert refused.status_code == 422
    assert {e["loc"] for e in refused.json()["errors"]} == {"aliases[1]", "part_of"}


def test_headstamp_codes_are_added_once_with_their_source(
    client: TestClient, auth_api: AuthApi
) -> None:
    body = {"code": "311", "maker": "State Factory 311", "country": "CHN", "source": "x"}
    assert (
        client.post(STAMPS, json=body, headers=auth_api.member_state_headers("MLI")).status_code
        == 403
    )
    created = assert_status(client.post(STAMPS, json=body, headers=auth_api.admin_headers()), 201)
    assert created["maker"] == "State Factory 311"
    again = client.post(STAMPS, json=body, headers=auth_api.admin_headers())
    assert again.status_code == 409
    seeded = assert_status(client.get(STAMPS, headers=auth_api.admin_headers()), 200)["items"]
    assert all(s["source"] for s in seeded)
    assert {s["note"] for s in seeded if s["code"] != "311"} == {"check"}


def test_a_listed_entity_embargo_configured_later_screens_what_was_indexed(
    client: TestClient, auth_api: AuthApi
) -> None:
    # Found in Niger (no territorial embargo), presumed user an alias of ISGS.
    body = delivery(
        [declared_weapon(0, "LE-1", year_of_manufacture=2018)],
        location_country="NER",
        event_date="2022-02-01",
        presumed_user="EIGS",
    )
    indexed = client.post(INDEX, json=body, headers=auth_api.operator_headers(("index:write",)))
    assert assert_status(indexed, 200)["alerts"] == 1  # the seeded ISIL/Al-Qaida entry
    entry = {
        "starts_on": "2015-01-01",
        "authority": "UN",
        "reference": "test entry",
        "scope": "listed_entities",
        "listed_groups": ["ISGS"],
    }
    operator = auth_api.operator_headers()
    created = assert_status(client.post(EMBARGOES, json=entry, headers=operator), 201)
    assert created["country"] is None
    embargo_alerts = assert_status(
        client.get(ALERTS, params={"kind": "embargo"}, headers=operator), 200
    )["items"]
    assert {a["evidence"]["embargo"]["id"] for a in embargo_alerts} == {
        "seed-isil-aq-2002",
        created["id"],
    }
    assert {a["evidence"]["armed_group"] for a in embargo_alerts} == {"ISGS"}
    refused = client.post(
        EMBARGOES, json=entry | {"country": "NER", "listed_groups": []}, headers=operator
    )
    assert refused.status_code == 422
    unknown = client.post(EMBARGOES, json=entry | {"listed_groups": ["NOPE"]}, headers=operator)
    assert [e["loc"] for e in unknown.json()["errors"]] == ["listed_groups[0]"]
