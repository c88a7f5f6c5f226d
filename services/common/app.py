"""The app factory every service builds on.

It wires what all services share: settings, engine, error handlers, request
ids and logs, body limits, security headers, CORS (closed unless configured),
health routes, OpenAPI at ``/{service}/openapi.json``. The service passes its
routers: ``v1`` routers are authenticated by default by the service itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from sqlalchemy import Table
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.api_docs import DOCS_CSP, docs_router, is_docs_page
from services.common.auth_client import AuthServiceClient, auth_http_client
from services.common.database import make_engine
from services.common.error_handlers import install_error_handlers
from services.common.errors import Problem
from services.common.health import health_router
from services.common.hot_reads import HotReads
from services.common.limits import BodyLimitMiddleware
from services.common.metrics import MetricsMiddleware, ReadingSource, ServiceMetrics, metrics_router
from services.common.migrations import head_revisions
from services.common.replica import ReadReplica
from services.common.request_context import RequestContextMiddleware, configure_logging
from services.common.request_target import NulCharacterMiddleware
from services.common.security import CommunityDirectory, JsonFetcher, TokenVerifier
from services.common.settings import ServiceSettings
from services.common.tracing import instrument_app, instrument_client, tracer_provider
from services.common.tracing import shutdown as shutdown_tracing

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
]
# The docs pages get their own policy (api_docs.DOCS_CSP); everything else a strict one.
_DOCS_CSP = (b"content-security-policy", DOCS_CSP)
_STRICT_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")


class SecurityHeadersMiddleware:
    """Add conservative security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = _DOCS_CSP if is_docs_page(scope["path"]) else _STRICT_CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [*SECURITY_HEADERS, csp]
                headers.extend(h for h in extra if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_service_app(
    *,
    settings: ServiceSettings,
    title: str,
    description: str,
    version: str,
    routers: Sequence[APIRouter],
    idempotency_table: Table | None = None,
    body_limits: Mapping[str, int] | None = None,
    on_startup: Callable[[FastAPI], Any] | None = None,
    on_shutdown: Callable[[FastAPI], Any] | None = None,
    openapi_tags: list[dict[str, Any]] | None = None,
    auth_transport: httpx.AsyncBaseTransport | None = None,
    fetch_auth_json: JsonFetcher | None = None,
    metrics_source: ReadingSource | None = None,
) -> FastAPI:
    """Build a service app; the database must already be migrated (never ``create_all``)."""
    name = settings.service_name
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if on_startup is not None:
            await on_startup(app)
        try:
            yield
        finally:
            if on_shutdown is not None:
                await on_shutdown(app)
            await auth_client.aclose()
            await app.state.hot_reads.close()
            if app.state.replica is not None:
                await app.state.replica.close()
            app.state.engine.dispose()
            shutdown_tracing(app.state.tracer_provider)

    app = FastAPI(
        title=title,
        description=description,
        version=version,
        openapi_url=f"/{name}/openapi.json",
        # Served by api_docs.docs_router, from the project's own files (no CDN).
        docs_url=None,
        swagger_ui_oauth2_redirect_url=None,
        redoc_url=None,
        lifespan=lifespan,
        openapi_tags=openapi_tags,
        generate_unique_id_function=_operation_id(name),
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.resolved_database_url())
    app.state.hot_reads = HotReads(app.state.engine, concurrency=settings.hot_read_concurrency)
    app.state.replica = (
        ReadReplica(
            settings.read_database_url,
            primary=app.state.engine,
            max_lag_seconds=settings.read_replica_max_lag_seconds,
            check_seconds=settings.read_replica_check_seconds,
            primary_reads=app.state.hot_reads,
            hot_read_concurrency=settings.hot_read_concurrency,
        )
        if settings.read_database_url
        else None
    )
    app.state.idempotency_table = idempotency_table
    app.state.metrics = ServiceMetrics(app.state.engine, metrics_source)
    # Every service verifies tokens the same way: over HTTP against the auth
    # service's JWKS (an ASGI transport in the embedded runner and in tests).
    provider = tracer_provider(name, enabled=settings.tracing_enabled)
    instrument_app(app, provider)
    auth_client = AuthServiceClient(auth_http_client(settings.auth_base_url, auth_transport))
    instrument_client(auth_client.client, provider)
    fetch = fetch_auth_json or auth_client.fetch_json
    app.state.auth_client = auth_client
    app.state.verifier = TokenVerifier(
        fetch_json=fetch,
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        min_refetch_seconds=settings.jwks_min_refetch_seconds,
        revocations_refresh_seconds=settings.revocations_refresh_seconds,
    )
    app.state.communities = CommunityDirectory(
        fetch_json=fetch, ttl_seconds=settings.communities_cache_seconds
    )
    install_error_handlers(app)
    app.include_router(health_router(name, head_revisions(name)))
    app.include_router(metrics_router(name))
    if settings.docs_enabled:
        app.include_router(docs_router(name, title=title))
    for router in routers:
        app.include_router(router)

    limits = dict(body_limits or {})
    app.add_middleware(
        BodyLimitMiddleware,
        default_limit=settings.max_body_bytes,
        limits=limits,
        drain_max_bytes=settings.body_drain_max_bytes,
        drain_seconds=settings.body_drain_seconds,
        idle_seconds=settings.body_idle_seconds,
        min_bytes_per_second=settings.body_min_bytes_per_second,
    )
    app.add_middleware(NulCharacterMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "If-Match"],
            expose_headers=["ETag", "Location", "X-Request-ID", "Retry-After"],
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestContextMiddleware)
    # Outermost: it times and counts every answer, refusals of the inner layers included.
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    _register_problem_schema(app)
    return app


def _operation_id(service: str) -> Callable[[APIRoute], str]:
    """Stable operation ids: ``<service>_<route function name>``."""

    def generate(route: APIRoute) -> str:
        return f"{service}_{route.name}"

    return generate


def _register_problem_schema(app: FastAPI) -> None:
    """Make sure ``Problem`` is in the OpenAPI components even on routes without a model."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "Problem" not in components:
            components["Problem"] = Problem.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            defs = components["Problem"].pop("$defs", {})
            components.update(defs)
        _document_validation_problems(schema)
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


_PROBLEM_CONTENT = {"schema": {"$ref": "#/components/schemas/Problem"}}


def _document_validation_problems(schema: dict[str, Any]) -> None:
    """422s are problem documents (see errors.py), not FastAPI's default HTTPValidationError;
    operations taking a body or a cursor also answer 400 (malformed JSON, foreign cursor)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            takes_cursor = any(p.get("name") == "cursor" for p in operation.get("parameters", []))
            if "requestBody" in operation or takes_cursor:
                operation.setdefault("responses", {}).setdefault(
                    "400",
                    {
                        "description": "Bad Request",
                        "content": {"application/problem+json": _PROBLEM_CONTENT},
                    },
                )
            response = operation.get("responses", {}).get("422")
            if not isinstance(response, dict):
                continue
            content = response.setdefault("content", {})
            default = content.get("application/json", {}).get("schema", {}).get("$ref", "")
            if default.endswith("/HTTPValidationError"):
                del content["application/json"]
            content.setdefault("application/problem+json", _PROBLEM_CONTENT)
