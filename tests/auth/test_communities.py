"""Communities: seeded dated memberships, readable by any caller, edited by the operator."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

COMMUNITIES = "/auth/v1/communities"


def _periods(document: dict[str, Any], community: str, country: str) -> list[tuple[str, Any]]:
    found = next(c for c in document["items"] if c["code"] == community)
    return [(m["joined"], m["left"]) for m in found["memberships"] if m["country"] == country]


def test_seeded_memberships_follow_the_record(client: TestClient, auth_api: AuthApi) -> None:
    document = client.get(COMMUNITIES, headers=auth_api.member_state_headers("SEN")).json()
    assert {c["code"] for c in document["items"]} == {"ECOWAS", "ECCAS"}
    assert document["next_cursor"] is None
    assert _periods(document, "ECOWAS", "SEN") == [("1975-05-28", None)]
    assert _periods(document, "ECOWAS", "BFA") == [("1975-05-28", "2025-01-29")]
    assert _periods(document, "ECOWAS", "MRT")[0][1].startswith("2000-")
    assert _periods(document, "ECOWAS", "CPV")[0][0].startswith("1977-")
    assert _periods(document, "ECCAS", "AGO")[0][0].startswith("1999-")
    assert len(_periods(document, "ECCAS", "RWA")) == 2


def test_any_authenticated_caller_reads_communities(client: TestClient, auth_api: AuthApi) -> None:
    for headers in (
        auth_api.member_state_headers("CIV", scopes=["manifests:write"]),
        auth_api.secretariat_headers("ECCAS"),
        auth_api.admin_headers(),
    ):
        assert client.get(f"{COMMUNITIES}/ECCAS", headers=headers).status_code == 200
    assert client.get(COMMUNITIES).status_code == 401


def test_operator_records_a_departure_and_a_rejoining(
    client: TestClient, auth_api: AuthApi
) -> None:
    admin = auth_api.admin_headers()
    community = client.get(f"{COMMUNITIES}/ECOWAS", headers=admin).json()
    sen = next(m for m in community["memberships"] if m["country"] == "SEN")
    left = client.patch(
        f"{COMMUNITIES}/ECOWAS/memberships/{sen['id']}", json={"left": "2030-01-01"}, headers=admin
    )
    assert left.status_code == 200
    assert left.json()["left"] == "2030-01-01"
    rejoined = client.post(
        f"{COMMUNITIES}/ECOWAS/memberships",
        json={"country": "SEN", "joined": "2031-06-01"},
        headers=admin,
    )
    assert rejoined.status_code == 201
    document = client.get(COMMUNITIES, headers=admin).json()
    assert _periods(document, "ECOWAS", "SEN") == [
        ("1975-05-28", "2030-01-01"),
        ("2031-06-01", None),
    ]


def test_overlapping_periods_are_refused(client: TestClient, auth_api: AuthApi) -> None:
    response = client.post(
        f"{COMMUNITIES}/ECOWAS/memberships",
        json={"country": "SEN", "joined": "1990-01-01", "left": "1991-01-01"},
        headers=auth_api.admin_headers(),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "membership_overlap"


def test_invalid_periods_are_422(client: TestClient, auth_api: AuthApi) -> None:
    response = client.post(
        f"{COMMUNITIES}/ECCAS/memberships",
        json={"country": "ZZZ", "joined": "2020-01-01", "left": "2019-01-01"},
        headers=auth_api.admin_headers(),
    )
    assert response.status_code == 422
    assert {e["loc"] for e in response.json()["errors"]} == {"country", "left"}


def test_a_mistaken_membership_can_be_deleted(client: TestClient, auth_api: AuthApi) -> None:
    admin = auth_api.admin_headers()
    added = assert_status(
        client.post(
            f"{COMMUNITIES}/ECCAS/memberships",
            json={"country": "SEN", "joined": "2020-01-01"},
            headers=admin,
        )
    )
    deleted = client.delete(f"{COMMUNITIES}/ECCAS/memberships/{added['id']}", headers=admin)
    assert deleted.status_code == 204
    document = client.get(COMMUNITIES, headers=admin).json()
    assert _periods(document, "ECCAS", "SEN") == []


def test_only_the_operator_edits_memberships(client: TestClient, auth_api: AuthApi) -> None:
    headers = auth_api.secretariat_headers("ECOWAS")
    response = client.post(
        f"{COMMUNITIES}/ECOWAS/memberships",
        json={"country": "MRT", "joined": "2026-01-01"},
        headers=headers,
    )
    assert response.status_code == 403


def test_unknown_community_is_404(client: TestClient, auth_api: AuthApi) -> None:
    admin = auth_api.admin_headers()
    assert client.get(f"{COMMUNITIES}/SADC", headers=admin).status_code == 404
    response = client.patch(f"{COMMUNITIES}/ECOWAS/memberships/999999", json={}, headers=admin)
    assert response.status_code == 404


def test_operator_adds_a_community(client: TestClient, auth_api: AuthApi) -> None:
    admin = auth_api.admin_headers()
    created = client.post(
        COMMUNITIES, json={"code": "AES", "name": "Alliance of Sahel States"}, headers=admin
    )
    assert created.status_code == 201
    auth_api.ensure_organisation("secretariat", "AES")
