"""Statistics by calibre, maker, year of manufacture and presumed user (issue 16,
deliverable 5): spellings of one maker or calibre counted together under a readable
label, a declaration's presumed user as the armed group it resolves to, losses grouped
from their items, and each caller seeing only what it may read."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

STATS = "/registry/v1/statistics"
LOSS = "/registry/v1/loss-reports"


def _seed(client: TestClient, auth_api: AuthApi) -> None:
    sen = auth_api.member_state_headers("SEN")
    rifles = [
        weapon("S-1", manufacturer="Izhmash", year_of_manufacture=1987),
        weapon("S-2", manufacturer="Kalashnikov Concern", calibre="7,62 × 39 mm"),
        # A maker no reference list names, spelt three ways (two alike): one group.
        weapon("S-3", manufacturer="Sahel Arms Ltd", model="SA-1", calibre="5.7 x 28"),
        weapon("S-4", manufacturer="Sahel Arms Ltd", model="SA-1", calibre="5.7x28mm"),
        weapon("S-5", manufacturer="SAHEL ARMS", model="SA-1", calibre="5.7x28"),
    ]
    assert_status(client.post(MANIFESTS, json=manifest(rifles), headers=sen))
    loss = {
        "mission": "MINUSCA",
        "contributing_country": "SEN",
        "loss_type": "captured_in_attack",
        "loss_date": "2024-05-01",
        "place": "Bambari-Ippy road",
        "circumstances": "Convoy ambushed; two rifles taken",
        "items": [
            {"kind": "weapon", "serial_number": "S-1", "manufacturer": "Izhmash"},
            {"kind": "weapon", "serial_number": "S-3", "manufacturer": "Sahel Arms Ltd"},
        ],
    }
    assert_status(client.post(LOSS, json=loss, headers=sen), 201)
    relay = auth_api.operator_headers(("index:write",))
    seized = [
        declared_weapon(0, "X-1", manufacturer="Izhmash", year_of_manufacture=1987),
        declared_weapon(1, "X-2", manufacturer=None, calibre=None),
    ]
    # NER's seizure from a group declared by one of its other names.
    body = delivery(seized, declaration_id="d-1", presumed_user="Katiba Massina")
    assert_status(client.post(INDEX, json=body, headers=relay), 200)
    collected = [declared_weapon(0, "X-3")]
    body = delivery(
        collected,
        declaration_id="d-2",
        type_="collection",
        country="CMR",
        presumed_user_kind="government_forces",
    )
    assert_status(client.post(INDEX, json=body, headers=relay), 200)


def _rows(client: TestClient, headers: dict[str, str], group_by: str) -> set[tuple[Any, ...]]:
    answer = assert_status(client.get(STATS, params={"group_by": group_by}, headers=headers), 200)
    assert answer["group_by"] == group_by
    return {(i["source"], i["key"], i["label"], i["records"]) for i in answer["items"]}


def test_two_spellings_of_one_maker_count_together_under_a_readable_label(
    client: TestClient, auth_api: AuthApi
) -> None:
    _seed(client, auth_api)
    operator = auth_api.operator_headers()
    assert _rows(client, operator, "manufacturer") == {
        ("manifests", "Kalashnikov Concern", "Kalashnikov Concern", 2),
        # Not listed: the spelling most of the group's items were recorded under.
        ("manifests", "sahel arms", "Sahel Arms Ltd", 3),
        ("declarations", "Kalashnikov Concern", "Kalashnikov Concern", 2),
        ("declarations", None, None, 1),
        ("loss_reports", "Kalashnikov Concern", "Kalashnikov Concern", 1),
        ("loss_reports", "sahel arms", "Sahel Arms Ltd", 1),
    }
    calibres = _rows(client, operator, "calibre")
    assert ("manifests", "7.62x39mm", "7.62x39mm", 2) in calibres
    assert ("manifests", "5.7x28mm", "5.7 x 28", 3) in calibres
    # A lost weapon's calibre is the one it was declared in with.
    assert ("loss_reports", "5.7x28mm", "5.7 x 28", 1) in calibres
    assert ("declarations", None, None, 1) in calibres


def test_years_of_manufacture_and_presumed_users_are_grouped(
    client: TestClient, auth_api: AuthApi
) -> None:
    _seed(client, auth_api)
    operator = auth_api.operator_headers()
    assert _rows(client, operator, "year_of_manufacture") == {
        ("manifests", "1987", None, 1),
        ("manifests", None, None, 4),
        ("declarations", "1987", None, 1),
        ("declarations", None, None, 2),
        # A loss report records no year of manufacture.
        ("loss_reports", None, None, 2),
    }
    # Only declarations name a presumed user: the armed group it resolves to (its name
    # as label), else the kind declared.
    assert _rows(client, operator, "presumed_user") == {
        ("declarations", "KATIBAT_MACINA", "Katibat Macina", 2),
        ("declarations", "government_forces", None, 1),
    }


def test_a_state_counts_only_its_own_records_by_these_groupings(
    client: TestClient, auth_api: AuthApi
) -> None:
    _seed(client, auth_api)
    sen = auth_api.member_state_headers("SEN")
    assert {source for source, *_ in _rows(client, sen, "manufacturer")} == {
        "manifests",
        "loss_reports",
    }
    assert _rows(client, sen, "presumed_user") == set()
    cmr = auth_api.member_state_headers("CMR")
    assert _rows(client, cmr, "presumed_user") == {("declarations", "government_forces", None, 1)}
    assert _rows(client, cmr, "calibre") == {("declarations", "7.62x39mm", "7.62x39mm", 1)}
    assert _rows(client, auth_api.member_state_headers("GHA"), "year_of_manufacture") == set()
