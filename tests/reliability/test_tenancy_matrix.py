"""Every route × every caller, with the status the contract says.

Callers: two member states (SEN owns the seeded records; CIV, also in ECOWAS, does
not), the ECOWAS secretariat (SEN is a member at the records' dates), the ECCAS
secretariat (it is not), the operator's admin client (no ``register:read``),
no token, an expired token and a token for another audience (both signed with the
auth service's real key, so only the claim is wrong). The routes come from the
services' own route tables: a route without an entry in ``EXPECTED`` fails the test.

Write routes are called with a body that is valid where the service checks the
caller's role after validation, and with ``{}`` where the scope check comes first
(422 then means "let through to validation").
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from fastapi import routing
from fastapi.testclient import TestClient
from jose import jwt

from services.embedded import EmbeddedRegister, EmbeddedSettings
from tests.auth import forge
from tests.declarations.support import declaration
from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.support.auth_fixtures import AuthApi

TOKEN_HOLDERS = ("state_a", "state_b", "ecowas", "eccas", "operator")
NO_VALID_TOKEN = ("none", "expired", "other_audience")
Expected = dict[str, int]


def everyone(status: int) -> Expected:
    """Open routes: every caller, with or without a token, gets ``status``."""
    return dict.fromkeys(TOKEN_HOLDERS + NO_VALID_TOKEN, status)


def _guarded(**statuses: int) -> Expected:
    return {**statuses, **dict.fromkeys(NO_VALID_TOKEN, 401)}


def any_token(status: int) -> Expected:
    """Any valid token (reference data, communities)."""
    return _guarded(**dict.fromkeys(TOKEN_HOLDERS, status))


def operator_only(status: int) -> Expected:
    """Administration (``admin`` scope): everyone else 403."""
    return _guarded(state_a=403, state_b=403, ecowas=403, eccas=403, operator=status)


def readers(status: int) -> Expected:
    """Register reads (``register:read``): lists filtered by tenancy; admin-only operator 403."""
    return _guarded(state_a=status, state_b=status, ecowas=status, eccas=status, operator=403)


def owner_and_community(status: int) -> Expected:
    """One of SEN's records: SEN and ECOWAS read it; CIV and ECCAS may not know it exists."""
    return _guarded(state_a=status, state_b=404, ecowas=status, eccas=404, operator=403)


def state_writers(status: int) -> Expected:
    """Member-state writes (write scopes exist for states only)."""
    return _guarded(state_a=status, state_b=status, ecowas=403, eccas=403, operator=403)


def nobody_here(status: int = 403) -> Expected:
    """Routes for a service client none of these callers is (the index relay)."""
    return _guarded(**dict.fromkeys(TOKEN_HOLDERS, status))


def _with(base: Expected, **overrides: int) -> Expected:
    return {**base, **overrides}


R = "/registry/v1"
D = "/declarations/v1/declarations"
EXPECTED: dict[tuple[str, str], Expected] = {
    # auth
    **{
        ("GET", f"/{s}/{p}"): everyone(200)
        for s in ("auth", "registry", "declarations")
        for p in ("openapi.json", "docs", "docs/oauth2-redirect", "healthz", "readyz")
    },
    ("POST", "/auth/v1/token"): everyone(400),  # OAuth2 invalid_request: no form
    ("GET", "/auth/v1/jwks.json"): everyone(200),
    ("POST", "/auth/v1/organisations"): operator_only(422),
    ("GET", "/auth/v1/organisations"): operator_only(200),
    ("GET", "/auth/v1/organisations/{code}"): _with(
        operator_only(404), state_a=404, state_b=404, ecowas=404, eccas=404
    ),
    ("POST", "/auth/v1/clients"): operator_only(422),
    ("GET", "/auth/v1/clients"): operator_only(200),
    ("GET", "/auth/v1/clients/{client_id}"): operator_only(404),
    ("POST", "/auth/v1/clients/{client_id}/disable"): operator_only(404),
    ("POST", "/auth/v1/clients/{client_id}/enable"): operator_only(404),
    ("POST", "/auth/v1/clients/{client_id}/secret"): operator_only(404),
    ("GET", "/auth/v1/communities"): any_token(200),
    ("GET", "/auth/v1/communities/{code}"): any_token(404),
    ("POST", "/auth/v1/communities"): operator_only(422),
    ("POST", "/auth/v1/communities/{code}/memberships"): operator_only(422),
    ("PATCH", "/auth/v1/communities/{code}/memberships/{membership_id}"): operator_only(422),
    ("DELETE", "/auth/v1/communities/{code}/memberships/{membership_id}"): operator_only(422),
    ("GET", "/auth/v1/audit"): operator_only(200),
    # registry
    ("GET", f"{R}/missions"): any_token(200),
    ("POST", f"{R}/missions"): _guarded(
        state_a=403, state_b=403, ecowas=201, eccas=201, operator=201
    ),
    ("GET", f"{R}/missions/{{code}}"): any_token(404),
    # Role first (states 403), then the code: "unknown" is no mission (404).
    ("PATCH", f"{R}/missions/{{code}}"): _guarded(
        state_a=403, state_b=403, ecowas=404, eccas=404, operator=404
    ),
    ("GET", f"{R}/reference/categories"): any_token(200),
    ("GET", f"{R}/reference/ammunition-types"): any_token(200),
    ("POST", f"{R}/manifests"): state_writers(422),
    ("POST", f"{R}/manifests/import"): state_writers(422),
    ("GET", f"{R}/manifests/template.csv"): any_token(200),
    ("GET", f"{R}/manifests"): readers(200),
    ("GET", f"{R}/manifests/{{manifest_id}}"): owner_and_community(200),
    ("GET", f"{R}/manifests/{{manifest_id}}/items"): owner_and_community(200),
    ("GET", f"{R}/manifests/{{manifest_id}}/items/export.csv"): owner_and_community(200),
    ("POST", f"{R}/loss-reports"): state_writers(422),
    ("GET", f"{R}/loss-reports"): readers(200),
    ("GET", f"{R}/loss-reports/{{report_id}}"): readers(404),
    ("GET", f"{R}/holdings"): readers(422),  # mission is required
    ("GET", f"{R}/reconciliation"): readers(422),
    ("GET", f"{R}/reconciliation/export.csv"): readers(422),
    ("POST", f"{R}/index/declarations"): nobody_here(),
    ("GET", f"{R}/trace"): readers(422),  # serial_number is required
    ("GET", f"{R}/alerts"): readers(200),
    ("GET", f"{R}/alerts/export.csv"): readers(200),
    ("GET", f"{R}/alerts/{{alert_id}}"): readers(404),
    ("POST", f"{R}/alerts/{{alert_id}}/acknowledge"): readers(404),
    ("POST", f"{R}/alerts/{{alert_id}}/close"): readers(404),
    ("POST", f"{R}/embargoes"): _guarded(
        state_a=403, state_b=403, ecowas=201, eccas=201, operator=201
    ),
    ("GET", f"{R}/embargoes"): any_token(200),
    ("GET", f"{R}/statistics"): readers(422),  # group_by is required
    ("GET", f"{R}/statistics/locations.geojson"): readers(200),
    # declarations
    ("POST", D): state_writers(422),
    ("POST", f"{D}/batch"): state_writers(422),
    ("GET", D): readers(200),
    ("GET", f"{D}/{{declaration_id}}"): owner_and_community(200),
    ("GET", f"{D}/{{declaration_id}}/versions"): owner_and_community(200),
    # Without If-Match: the owner is told 428; a state that may not know it 404; callers
    # without a write scope are refused by scope before any lookup (403, nothing revealed).
    ("POST", f"{D}/{{declaration_id}}/amendments"): _guarded(
        state_a=428, state_b=404, ecowas=403, eccas=403, operator=403
    ),
    ("GET", f"{D}/{{declaration_id}}/holds"): _with(owner_and_community(200), operator=200),
    # Holds are for secretariats (of the record's community) and the operator; states are
    # refused by role before any lookup (403, nothing revealed).
    ("POST", f"{D}/{{declaration_id}}/holds"): _guarded(
        state_a=403, state_b=403, ecowas=201, eccas=404, operator=201
    ),
    # ECOWAS lifts the active holds first, so the operator finds none left (404).
    ("DELETE", f"{D}/{{declaration_id}}/holds"): _guarded(
        state_a=403, state_b=403, ecowas=200, eccas=404, operator=404
    ),
    ("DELETE", f"{D}/{{declaration_id}}"): _guarded(
        state_a=409, state_b=404, ecowas=403, eccas=404, operator=409
    ),
    ("GET", "/declarations/v1/log/entries"): readers(422),  # start and end are required
    ("GET", "/declarations/v1/index-feed"): operator_only(200),
    ("POST", "/declarations/v1/index-feed/deliveries"): operator_only(200),
    ("GET", "/declarations/v1/log/checkpoint"): everyone(200),
    ("GET", "/declarations/v1/log/public-key"): everyone(200),
    ("GET", "/declarations/v1/log/proof/inclusion"): everyone(422),
    ("GET", "/declarations/v1/log/proof/consistency"): everyone(422),
}

# Bodies for the routes that check the caller's role after validating the body.
BODIES: dict[tuple[str, str], Callable[[str], dict[str, Any]]] = {
    ("POST", f"{R}/missions"): lambda caller: {
        "code": "TEST" + re.sub(r"[^A-Z]", "", caller.upper())[:6],
        "name": f"Test mission of {caller}",
        "authority": "UN",
        "host_countries": ["MLI"],
        "start_date": "2024-01-01",
    },
    ("POST", f"{R}/embargoes"): lambda caller: {
        "country": "MLI",
        "starts_on": "2024-01-01",
        "authority": "UN",
        "reference": f"resolution noted by {caller}",
    },
    ("POST", f"{R}/alerts/{{alert_id}}/close"): lambda caller: {"note": "checked"},
    ("POST", f"{D}/{{declaration_id}}/amendments"): lambda caller: {
        "reason": "place corrected",
        "changes": {"circumstances": "corrected"},
    },
    ("POST", f"{D}/{{declaration_id}}/holds"): lambda caller: {"reason": "Panel of Experts"},
    ("DELETE", f"{D}/{{declaration_id}}/holds"): lambda caller: {"reason": "inquiry closed"},
}


def _route_table(register: EmbeddedRegister) -> list[tuple[str, str]]:
    table = []
    for service in ("auth", "registry", "declarations"):
        for context in routing.iter_route_contexts(getattr(register, service).routes):
            table += [(m, str(context.path)) for m in sorted(context.methods or ()) if m != "HEAD"]
    return table


def _callers(
    auth_api: AuthApi, settings: EmbeddedSettings, state_a: dict[str, str]
) -> dict[str, dict[str, str]]:
    kid = jwt.get_unverified_header(state_a["Authorization"].removeprefix("Bearer "))["kid"]
    key = forge.service_key(settings.auth, kid)
    now = int(time.time())
    full = "manifests:write declarations:write register:read"
    expired = forge.claims(scope=full, iat=now - 2000, nbf=now - 2000, exp=now - 1000)
    elsewhere = forge.claims(scope=full, aud="another-register")
    return {
        "state_a": state_a,
        "state_b": auth_api.member_state_headers("CIV"),
        "ecowas": auth_api.secretariat_headers("ECOWAS"),
        "eccas": auth_api.secretariat_headers("ECCAS"),
        "operator": auth_api.admin_headers(),
        "none": {},
        "expired": AuthApi.headers(forge.sign_es256(key, kid, expired)),
        "other_audience": AuthApi.headers(forge.sign_es256(key, kid, elsewhere)),
    }


def test_every_route_has_an_expected_status_for_every_caller(register: EmbeddedRegister) -> None:
    table = set(_route_table(register))
    assert table - set(EXPECTED) == set(), "routes without an entry in EXPECTED"
    assert set(EXPECTED) - table == set(), "entries for routes that no longer exist"
    for key, expected in EXPECTED.items():
        assert set(expected) == set(TOKEN_HOLDERS + NO_VALID_TOKEN), key


def test_every_caller_gets_the_expected_status_on_every_route(
    client: TestClient,
    register: EmbeddedRegister,
    register_settings: EmbeddedSettings,
    auth_api: AuthApi,
) -> None:
    sen = auth_api.member_state_headers("SEN")
    seeded = client.post(MANIFESTS, json=manifest([weapon("KC-0000001")]), headers=sen)
    declared = client.post(D, json=declaration(), headers=sen)
    assert seeded.status_code == 201, seeded.text
    assert declared.status_code == 201, declared.text
    ids = {"manifest_id": seeded.json()["id"], "declaration_id": declared.json()["id"]}
    callers = _callers(auth_api, register_settings, sen)

    wrong: list[str] = []
    for method, path in _route_table(register):
        url = re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "unknown"), path)
        for caller, headers in callers.items():
            body = BODIES.get((method, path), lambda _caller: {})(caller)
            response = client.request(
                method, url, headers=headers, json=body if method != "GET" else None
            )
            expected = EXPECTED[(method, path)][caller]
            if response.status_code != expected:
                wrong.append(
                    f"{method} {path} as {caller}: {response.status_code}, expected {expected}"
                )
    assert not wrong, "\n".join(wrong)
