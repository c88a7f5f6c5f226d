"""Who may read which records: services.common.security's read_scope, with real tokens
verified by the registry's verifier and memberships fetched from the real auth service."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from services.common.errors import Forbidden
from services.common.security import ReadScope, read_scope
from services.embedded import EmbeddedRegister
from tests.support.auth_fixtures import AuthApi


def scope_of(client: TestClient, register: EmbeddedRegister, headers: dict[str, str]) -> ReadScope:
    """The read scope the registry computes for the caller holding ``headers``."""
    app = register.registry
    token = headers["Authorization"].removeprefix("Bearer ")
    request = Request({"type": "http", "app": app, "headers": [], "method": "GET", "path": "/"})
    portal = client.portal
    assert portal is not None
    principal = portal.call(app.state.verifier.verify, token)
    return portal.call(read_scope, request, principal)


def test_member_state_reads_only_its_own_records(
    client: TestClient, register: EmbeddedRegister, auth_api: AuthApi
) -> None:
    scope = scope_of(client, register, auth_api.member_state_headers("SEN"))
    assert scope.allows("SEN", date(2024, 5, 1))
    assert not scope.allows("CIV", date(2024, 5, 1))
    assert {p.country for p in scope.periods} == {"SEN"}


def test_secretariat_reads_its_members_only(
    client: TestClient, register: EmbeddedRegister, auth_api: AuthApi
) -> None:
    scope = scope_of(client, register, auth_api.secretariat_headers("ECOWAS"))
    assert scope.allows("SEN", date(2020, 1, 1))
    assert not scope.allows("CMR", date(2020, 1, 1))  # ECCAS, not ECOWAS
    assert not scope.allows("SEN", date(1970, 1, 1))  # before the treaty


def test_secretariat_cannot_read_records_dated_outside_membership(
    client: TestClient, register: EmbeddedRegister, auth_api: AuthApi
) -> None:
    ecowas = scope_of(client, register, auth_api.secretariat_headers("ECOWAS"))
    assert ecowas.allows("BFA", date(2025, 1, 28))
    assert not ecowas.allows("BFA", date(2025, 1, 29))
    assert ecowas.allows("MRT", date(1999, 6, 1))
    assert not ecowas.allows("MRT", date(2005, 6, 1))
    eccas = scope_of(client, register, auth_api.secretariat_headers("ECCAS"))
    assert not eccas.allows("RWA", date(2010, 1, 1))  # between its two memberships
    assert eccas.allows("RWA", date(2018, 1, 1))


def test_secretariat_follows_membership_edits(
    client: TestClient, register: EmbeddedRegister, auth_api: AuthApi
) -> None:
    admin = auth_api.admin_headers()
    added = client.post(
        "/auth/v1/communities/ECOWAS/memberships",
        json={"country": "MRT", "joined": "2030-01-01"},
        headers=admin,
    )
    assert added.status_code == 201
    register.registry.state.communities.invalidate()  # other services re-read after their TTL
    scope = scope_of(client, register, auth_api.secretariat_headers("ECOWAS"))
    assert scope.allows("MRT", date(2031, 1, 1))


def test_operator_reads_nothing_without_register_read(
    client: TestClient, register: EmbeddedRegister, auth_api: AuthApi
) -> None:
    with pytest.raises(Forbidden):
        scope_of(client, register, auth_api.admin_headers())
    reader = scope_of(client, register, auth_api.operator_headers(["admin", "register:read"]))
    assert reader.everything


def test_member_state_without_register_read_reads_nothing(
    client: TestClient, register: EmbeddedRegister, auth_api: AuthApi
) -> None:
    with pytest.raises(Forbidden):
        scope_of(client, register, auth_api.member_state_headers("SEN", ["manifests:write"]))
