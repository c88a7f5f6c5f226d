"""The auth service's app factory: ``create_app(settings)``."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, FastAPI

from services.auth import models
from services.auth.apps.router import router as apps_router
from services.auth.audit.router import router as audit_router
from services.auth.clients.router import router as clients_router
from services.auth.communities.router import router as communities_router
from services.auth.enrolment.router import router as enrolment_router
from services.auth.keys.router import router as keys_router
from services.auth.local_documents import LocalAuthDocuments
from services.auth.organisations.router import router as organisations_router
from services.auth.pages.router import router as pages_router
from services.auth.pages.signed import load_or_create_key
from services.auth.people.router import router as people_router
from services.auth.people.triagers_router import router as triagers_router
from services.auth.revocations.router import router as revocations_router
from services.auth.sessions.router import router as sessions_router
from services.auth.settings import AuthSettings
from services.auth.signin.oauth_router import router as oauth_router
from services.auth.signin.router import router as signin_router
from services.auth.tokens.check_gate import CheckGate
from services.auth.tokens.ratelimit import FailureLimiter
from services.auth.tokens.router import router as token_router
from services.common.app import create_service_app
from services.common.security import authenticated_router
from services.common.tables import utcnow

VERSION = "0.1.0"
DESCRIPTION = """Organisations, regional communities, API clients and tokens for the regional
register of small arms, light weapons and ammunition in peace operations.

Legal basis:
- ECOWAS Convention (2006) art. 11 and Kinshasa Convention (2010) art. 22
  require a centralized sub-regional database; this service gives each
  ministry and secretariat exactly the access it should have.

Tokens: `POST /auth/v1/token` (OAuth2 client credentials, form body or HTTP
Basic) returns an ES256 JWT valid for at most 900 s; its keys are at
`GET /auth/v1/jwks.json`. Both need no token; every other `/auth/v1` route does.
Failed token requests are limited per client id from one address and per
address (429 with `Retry-After`; counted in memory, per process): failures from
elsewhere never lock a client out.

People sign in to browser apps with OAuth 2.0 authorization code and PKCE (S256
only): `GET /auth/authorize` serves the sign-in pages (password, then an
authenticator or recovery code), `POST /auth/v1/token` exchanges the code
(`grant_type=authorization_code`) and rotates refresh tokens
(`grant_type=refresh_token`; a reused one ends its whole session),
`POST /auth/v1/revoke` ends a session (RFC 7009), and
`GET /auth/.well-known/oauth-authorization-server` describes it all (RFC 8414).
Person tokens carry `sub` = the person's id, `sub_type` = `person` and the scopes
of the person's role. People are invited (`POST /auth/v1/people`) by their
organisation's admin or the operator and enrol at a one-time link.

Errors are RFC 9457 problem documents (`application/problem+json`) with a
stable `code`; validation errors list every problem in `errors`. The token
endpoint alone answers in the OAuth2 format `{"error", "error_description"}`.
"""
TAGS = [
    {"name": "tokens", "description": "OAuth2 client credentials."},
    {"name": "keys", "description": "Public token-signing keys."},
    {"name": "organisations", "description": "Ministries, secretariats, the operator."},
    {"name": "clients", "description": "API clients and their secrets."},
    {"name": "communities", "description": "Regional communities and dated memberships."},
    {"name": "people", "description": "People, their roles and enrolment links."},
    {"name": "apps", "description": "Browser apps that sign people in (OAuth code + PKCE)."},
    {"name": "sessions", "description": "People's signed-in sessions."},
    {"name": "audit", "description": "Who did what, when, from where."},
]


def v1_router() -> APIRouter:
    """Every authenticated ``/auth/v1`` route (token and JWKS are public, see their routers)."""
    router = authenticated_router("/auth/v1")
    for domain in (
        organisations_router,
        clients_router,
        communities_router,
        people_router,
        triagers_router,
        sessions_router,
        apps_router,
        audit_router,
    ):
        router.include_router(domain)
    return router


def create_app(
    settings: AuthSettings | None = None,
    *,
    auth_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the auth service; its database must be migrated (``regctl migrate``)."""
    settings = settings or AuthSettings()
    documents = LocalAuthDocuments(settings)
    app = create_service_app(
        settings=settings,
        title="SALW register: auth",
        description=DESCRIPTION,
        version=VERSION,
        routers=[
            token_router,
            keys_router,
            revocations_router,
            pages_router,
            enrolment_router,
            signin_router,
            oauth_router,
            v1_router(),
        ],
        idempotency_table=models.idempotency_keys,
        auth_transport=auth_transport,
        fetch_auth_json=documents.fetch_json,
        openapi_tags=TAGS,
    )
    documents.engine = app.state.engine
    app.state.clock = utcnow  # tests move time with their own clock
    app.state.secret_check_gate = CheckGate(
        concurrency=settings.secret_check_concurrency,
        per_address_waiting=settings.secret_checks_waiting_per_address,
    )
    app.state.token_limiter = FailureLimiter(
        per_client=settings.token_failures_per_client,
        per_address=settings.token_failures_per_address,
        window_seconds=settings.token_failure_window_seconds,
    )
    app.state.signin_limiter = FailureLimiter(
        per_client=settings.signin_failures_per_account,
        per_address=settings.signin_failures_per_address,
        window_seconds=settings.signin_failure_window_seconds,
        clock=lambda: app.state.clock().timestamp(),
    )
    app.state.page_key = load_or_create_key(settings.resolved_page_key_file())
    return app
