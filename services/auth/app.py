"""The auth service's app factory: ``create_app(settings)``."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Depends, FastAPI

from services.common.app import create_service_app
from services.common.errors import problem_responses
from services.common.security import authenticated
from services.auth import models
from services.auth.settings import AuthSettings

VERSION = "0.1.0"
DESCRIPTION = """Organisations, regional communities, API clients and tokens for the regional register of small arms, light weapons and ammunition in peace operations.

Legal basis:
- ECOWAS Convention (2006) art. 11 and Kinshasa Convention (2010) art. 22 require a centralized sub-regional database; this service gives each ministry and secretariat exactly the access it should have.

Errors are RFC 9457 problem documents (`application/problem+json`) with a
stable `code`; validation errors list every problem in `errors`.
"""


def v1_router() -> APIRouter:
    """Every ``/auth/v1`` route, authenticated by default."""
    router = APIRouter(
        prefix="/auth/v1",
        dependencies=[Depends(authenticated)],
        responses=problem_responses(401),
    )
    return router


def create_app(
    settings: AuthSettings | None = None,
    *,
    auth_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the auth service; its database must be migrated (``regctl migrate``)."""
    settings = settings or AuthSettings()
    return create_service_app(
        settings=settings,
        title="SALW register: auth",
        description=DESCRIPTION,
        version=VERSION,
        routers=[v1_router()],
        idempotency_table=models.idempotency_keys,
        auth_transport=auth_transport,
    )
