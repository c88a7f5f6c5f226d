"""The declarations service's app factory: ``create_app(settings)``."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Depends, FastAPI

from services.common.app import create_service_app
from services.common.errors import problem_responses
from services.common.security import authenticated
from services.declarations import models
from services.declarations.settings import DeclarationsSettings

VERSION = "0.1.0"
DESCRIPTION = """Declarations of small arms, light weapons and ammunition seized, collected (including DDR) and destroyed during peace operations, kept at least 30 years in a tamper-evident Merkle log.

Legal basis:
- ECOWAS Convention (2006) art. 11.1.c: declare to the ECOWAS Executive Secretary all small arms and light weapons seized, collected and/or destroyed during peace operations.\n- Kinshasa Convention (2010) art. 22.2: data on weapons and ammunition collected during DDR operations are kept in the sub-regional database for a minimum of 30 years.

Errors are RFC 9457 problem documents (`application/problem+json`) with a
stable `code`; validation errors list every problem in `errors`.
"""


def v1_router() -> APIRouter:
    """Every ``/declarations/v1`` route, authenticated by default."""
    router = APIRouter(
        prefix="/declarations/v1",
        dependencies=[Depends(authenticated)],
        responses=problem_responses(401),
    )
    return router


def create_app(
    settings: DeclarationsSettings | None = None,
    *,
    auth_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the declarations service; its database must be migrated (``regctl migrate``)."""
    settings = settings or DeclarationsSettings()
    return create_service_app(
        settings=settings,
        title="SALW register: declarations",
        description=DESCRIPTION,
        version=VERSION,
        routers=[v1_router()],
        idempotency_table=models.idempotency_keys,
        auth_transport=auth_transport,
    )
