"""Hardening: security headers, CORS, docs, page-size and body limits, and the documented limits.

Routes are taken from each service's own route table, so a new route is covered
without editing this file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from services.auth.settings import AuthSettings
from services.common.limits import BodyLimitMiddleware
from services.common.pagination import MAX_LIMIT
from services.common.settings import MIB, ServiceSettings
from services.declarations.settings import DeclarationsSettings
from services.embedded import EmbeddedRegister, EmbeddedSettings, create_embedded_app
from services.registry.manifests.schemas import MAX_MANIFEST_ITEMS
from services.registry.settings import RegistrySettings
from tests.support.auth_fixtures import AuthApi

SERVICES = ("auth", "registry", "declarations")
ROOT = Path(__file__).resolve().parents[2]
# Where the Limits table is written: the integrator's guide (docs/).
LIMITS_TABLES = {"docs/integrator.md": "## Limits"}
ALLOWED_ORIGIN = "https://salw.ecowas.int"
# Routes taking bulk uploads (manifests, delivered declarations, declaration batches).
BULK_PATHS = (
    "/registry/v1/manifests",
    "/registry/v1/manifests/import",
    "/registry/v1/index/declarations",
    "/declarations/v1/declarations/batch",
    # A manifest draft holds anything a manifest may (its routes share the prefix).
    "/registry/v1/manifest-drafts",
    "/registry/v1/manifest-drafts/import",
    "/registry/v1/manifest-drafts/{draft_id}/submit",
    "/registry/v1/manifest-drafts/{draft_id}/return",
    "/registry/v1/manifest-drafts/{draft_id}/approve",
)
# Upload routes with a limit of their own (setting name on the service's settings).
OWN_LIMIT_PATHS = {"/declarations/v1/declarations/import": "import_max_bytes"}


def _app(register: EmbeddedRegister, service: str) -> FastAPI:
    app: FastAPI = getattr(register, service)
    return app


def _routes(register: EmbeddedRegister, method: str) -> Iterator[tuple[str, str, APIRoute]]:
    """(service, full path, route) of every API route answering ``method``."""
    for service in SERVICES:
        for context in routing.iter_route_contexts(_app(register, service).routes):
            route = context.original_route
            if isinstance(route, APIRoute) and method in (context.methods or ()):
                yield service, str(context.path), route


def _concrete(path: str) -> str:
    """A path with its parameters filled in (a made-up id: the limits apply before lookup)."""
    return re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path)


def _rebuilt(register_settings: EmbeddedSettings, **changes: object) -> EmbeddedRegister:
    """The register on the same databases with every service's settings changed."""
    return create_embedded_app(
        EmbeddedSettings(
            auth=register_settings.auth.model_copy(update=changes),
            registry=register_settings.registry.model_copy(update=changes),
            declarations=register_settings.declarations.model_copy(update=changes),
        )
    )


# security headers ---------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_every_kind_of_response_carries_the_security_headers(
    client: TestClient, service: str
) -> None:
    responses = [
        client.get(f"/{service}/healthz"),  # 200
        client.get(f"/{service}/v1/no-such-route"),  # 404
        client.post(f"/{service}/readyz"),  # 405
        client.get(f"/{service}/openapi.json"),
    ]
    for response in responses:
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-request-id"]


def test_unauthenticated_v1_routes_answer_401_with_the_security_headers(
    client: TestClient, register: EmbeddedRegister
) -> None:
    open_paths = {
        "/auth/v1/token",
        "/auth/v1/jwks.json",
        "/auth/v1/revocations.json",
        "/declarations/v1/log/checkpoint",
        "/declarations/v1/log/public-key",
        "/declarations/v1/log/proof/inclusion",
        "/declarations/v1/log/proof/consistency",
    }
    checked = 0
    for _service, path, _route in _routes(register, "GET"):
        if "/v1/" not in path or path in open_paths:
            continue
        response = client.get(_concrete(path))
        assert response.status_code == 401, path
        assert response.headers["x-frame-options"] == "DENY", path
        checked += 1
    assert checked >= 20


# CORS ------------------------------------------------------------------------------


def _preflight(client: TestClient, path: str, origin: str) -> dict[str, str]:
    response = client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    return dict(response.headers)


@pytest.mark.parametrize("service", SERVICES)
def test_cors_is_closed_by_default(client: TestClient, service: str) -> None:
    path = f"/{service}/healthz"
    assert "access-control-allow-origin" not in _preflight(client, path, ALLOWED_ORIGIN)
    simple = client.get(path, headers={"Origin": ALLOWED_ORIGIN})
    assert "access-control-allow-origin" not in simple.headers


def test_cors_opens_only_to_configured_origins(register_settings: EmbeddedSettings) -> None:
    register = _rebuilt(register_settings, cors_origins=[ALLOWED_ORIGIN])
    with TestClient(register, base_url="http://127.0.0.1") as client:
        for service in SERVICES:
            path = f"/{service}/healthz"
            allowed = _preflight(client, path, ALLOWED_ORIGIN)
            assert allowed["access-control-allow-origin"] == ALLOWED_ORIGIN
            assert "authorization" in allowed["access-control-allow-headers"].lower()
            assert "access-control-allow-origin" not in _preflight(
                client, path, "https://evil.example"
            )
            simple = client.get(path, headers={"Origin": ALLOWED_ORIGIN})
            assert simple.headers["access-control-allow-origin"] == ALLOWED_ORIGIN


# docs ------------------------------------------------------------------------------


def test_docs_are_served_by_default_and_gone_when_disabled(
    client: TestClient, register_settings: EmbeddedSettings
) -> None:
    for service in SERVICES:
        assert client.get(f"/{service}/docs").status_code == 200
    register = _rebuilt(register_settings, docs_enabled=False)
    with TestClient(register, base_url="http://127.0.0.1") as closed:
        for service in SERVICES:
            assert closed.get(f"/{service}/docs").status_code == 404
            assert closed.get(f"/{service}/redoc").status_code == 404
            # The OpenAPI document is part of the contract: it stays.
            assert closed.get(f"/{service}/openapi.json").status_code == 200


# page sizes --------------------------------------------------------------------------


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def test_every_paginated_list_refuses_a_page_over_1000(
    client: TestClient, register: EmbeddedRegister, auth_api: AuthApi
) -> None:
    headers = auth_api.operator_headers(("admin", "register:read"))
    paginated = [
        path
        for _service, path, route in _routes(register, "GET")
        # Keyset-paginated lists (limit and cursor); capped exports set their own limits.
        if {"limit", "cursor"} <= _query_names(route.dependant)
    ]
    assert len(paginated) >= 5, "the route table should hold the register's paginated lists"
    for template in paginated:
        path = _concrete(template)
        over = client.get(path, params={"limit": MAX_LIMIT + 1}, headers=headers)
        assert over.status_code == 422, (template, over.text)
        assert any("limit" in problem["loc"] for problem in over.json()["errors"]), template
        at_limit = client.get(path, params={"limit": MAX_LIMIT}, headers=headers)
        assert at_limit.status_code != 422 or not any(
            "limit" in problem["loc"] for problem in at_limit.json()["errors"]
        ), template


# body limits -------------------------------------------------------------------------


def _limiter(app: FastAPI) -> BodyLimitMiddleware:
    for middleware in app.user_middleware:
        if middleware.cls is BodyLimitMiddleware:
            return BodyLimitMiddleware(app, **middleware.kwargs)  # type: ignore[arg-type]
    raise AssertionError("no BodyLimitMiddleware")


def test_body_limits_are_the_default_except_on_bulk_upload_routes(
    register: EmbeddedRegister,
) -> None:
    routes = list(_routes(register, "POST"))
    assert set(BULK_PATHS) <= {path for _service, path, _route in routes}
    for service, path, _route in routes:
        settings: ServiceSettings = _app(register, service).state.settings
        expected = settings.bulk_max_body_bytes if path in BULK_PATHS else settings.max_body_bytes
        if path in OWN_LIMIT_PATHS:
            expected = getattr(settings, OWN_LIMIT_PATHS[path])
        if path.startswith("/registry/v1/trace-requests/"):
            # An answer carries its file in base64 beside its text.
            answer = settings.trace_answer_max_bytes * 4 // 3 + 256 * 1024  # type: ignore[attr-defined]
            expected = max(settings.max_body_bytes, answer)
        assert _limiter(_app(register, service)).limit_for(path) == expected, path


def test_every_write_route_refuses_a_declared_body_over_its_limit_with_413(
    client: TestClient, register: EmbeddedRegister, auth_api: AuthApi
) -> None:
    headers = auth_api.operator_headers(("admin", "register:read"))
    routes = [*_routes(register, "POST"), *_routes(register, "PATCH")]
    assert len(routes) >= 10
    for service, path, route in routes:
        limit = _limiter(_app(register, service)).limit_for(path)
        declared = {**headers, "Content-Type": "application/json", "Content-Length": str(limit + 1)}
        method = "PATCH" if "PATCH" in route.methods else "POST"
        response = client.request(method, _concrete(path), content=b"{}", headers=declared)
        assert response.status_code == 413, (path, response.text)
        assert response.json()["code"] == "payload_too_large"


@pytest.mark.parametrize(
    ("path", "limit_name"),
    [
        ("/auth/v1/organisations", "max_body_bytes"),
        ("/registry/v1/missions", "max_body_bytes"),
        ("/declarations/v1/declarations", "max_body_bytes"),
        ("/registry/v1/manifests", "bulk_max_body_bytes"),
    ],
)
def test_a_streamed_body_without_length_is_cut_off_at_its_limit_with_413(
    register_settings: EmbeddedSettings, path: str, limit_name: str
) -> None:
    register = _rebuilt(register_settings, max_body_bytes=16 * 1024, bulk_max_body_bytes=64 * 1024)
    limit = 16 * 1024 if limit_name == "max_body_bytes" else 64 * 1024

    def chunks() -> Iterator[bytes]:
        yield b'{"padding": "'
        for _ in range(limit // 1024 + 1):
            yield b"x" * 1024
        yield b'"}'

    with TestClient(register, base_url="http://127.0.0.1") as client:
        # No token: the body is refused before authentication could even be looked at.
        response = client.post(path, content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "payload_too_large"


# the integrator guide's Limits table ---------------------------------------------


def _limits_table(document: str) -> dict[str, str]:
    text = (ROOT / document).read_text()
    section = text.split(f"{LIMITS_TABLES[document]}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    cells = [[cell.strip() for cell in row.strip().strip("|").split(" | ")] for row in rows[1:]]
    return {row[0]: row[1] for row in cells}


def _number(text: str) -> int:
    match = re.match(r"\s*([\d,]+)\s*(MiB)?", text)
    assert match, text
    return int(match.group(1).replace(",", "")) * (MIB if match.group(2) else 1)


@pytest.mark.parametrize("document", list(LIMITS_TABLES))
@pytest.mark.parametrize("settings_class", [AuthSettings, RegistrySettings, DeclarationsSettings])
def test_the_limits_table_matches_the_settings_defaults(
    settings_class: type[ServiceSettings], register: EmbeddedRegister, document: str
) -> None:
    table = _limits_table(document)
    defaults = settings_class()
    assert _number(table["request body, ordinary routes"]) == defaults.max_body_bytes
    bulk = next(v for k, v in table.items() if k.startswith("request body, bulk"))
    assert _number(bulk) == defaults.bulk_max_body_bytes
    assert _number(table["items in one manifest"]) == MAX_MANIFEST_ITEMS
    assert _number(table["page size"]) == MAX_LIMIT
    key_limit = _number(table["`Idempotency-Key`"])
    document = register.registry.openapi()
    parameters = document["paths"]["/registry/v1/manifests"]["post"]["parameters"]
    key = next(p for p in parameters if p["name"] == "idempotency-key")
    assert key["schema"]["anyOf"][0]["maxLength"] == key_limit


# prefixes ----------------------------------------------------------------------------


def test_every_route_of_a_service_lives_under_its_prefix(register: EmbeddedRegister) -> None:
    for service in SERVICES:
        for context in routing.iter_route_contexts(_app(register, service).routes):
            assert str(context.path).startswith(f"/{service}/"), (service, context.path)
