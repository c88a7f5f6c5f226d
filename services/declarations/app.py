"""The declarations service's app factory: ``create_app(settings)``."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import APIRouter, Depends, FastAPI

from services.common.app import create_service_app
from services.common.errors import problem_responses
from services.common.security import authenticated
from services.common.tracing import instrument_client
from services.declarations import models
from services.declarations.amendments.router import router as amendments_router
from services.declarations.declarations.router import router as declarations_router
from services.declarations.deps import Clock, system_clock
from services.declarations.drafts.router import router as drafts_router
from services.declarations.imports.router import router as imports_router
from services.declarations.incidents.router import router as incidents_router
from services.declarations.index_feed.relay import IndexRelay
from services.declarations.index_feed.router import router as index_feed_router
from services.declarations.log.keys import load_signer
from services.declarations.log.router import public_router as log_public_router
from services.declarations.log.router import router as log_router
from services.declarations.log.service import LogContext
from services.declarations.metrics.service import readings as metrics_readings
from services.declarations.missions import MissionDirectory, registry_client
from services.declarations.retention.router import router as retention_router
from services.declarations.settings import DeclarationsSettings

VERSION = "0.1.0"
DESCRIPTION = """Declarations of small arms, light weapons and ammunition seized, collected
(including DDR) and destroyed during peace operations, kept at least 30 years in a
tamper-evident Merkle log (RFC 9162 hashing, C2SP signed checkpoints).

Legal basis:
- ECOWAS Convention (2006) art. 11.1.c: declare to the ECOWAS Executive Secretary all small
  arms and light weapons seized, collected and/or destroyed during peace operations.
- Kinshasa Convention (2010) art. 22.2: data on weapons and ammunition collected during DDR
  operations are kept in the sub-regional database for a minimum of 30 years.

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
    for domain in (
        imports_router,  # before /declarations/{id}: "import" is not an id
        declarations_router,
        drafts_router,
        incidents_router,
        amendments_router,
        retention_router,
        log_router,
        index_feed_router,
    ):
        router.include_router(domain)
    return router


def create_app(
    settings: DeclarationsSettings | None = None,
    *,
    auth_transport: httpx.AsyncBaseTransport | None = None,
    registry_transport: httpx.AsyncBaseTransport | None = None,
    clock: Clock = system_clock,
) -> FastAPI:
    """Build the declarations service; its database must be migrated (``regctl migrate``).

    ``registry_transport`` reaches the registry (missions) without a network
    hop in the embedded runner; ``clock`` lets tests move through retention.
    """
    settings = settings or DeclarationsSettings()
    missions = MissionDirectory(registry_client(settings.registry_base_url, registry_transport))

    async def start(app: FastAPI) -> None:
        # At startup, not at build time: building the app (e.g. for its OpenAPI
        # document) must not create a key file.
        app.state.log = LogContext(signer=load_signer(settings), origin=settings.log_origin)
        relay_client = registry_client(settings.registry_base_url, registry_transport)
        instrument_client(relay_client, app.state.tracer_provider)
        app.state.index_relay = IndexRelay(
            engine=app.state.engine,
            settings=settings,
            registry=relay_client,
            auth=app.state.auth_client.client,
            origin=settings.log_origin,
        )
        app.state.index_relay_stop = asyncio.Event()
        app.state.index_relay_task = None
        if settings.index_relay_enabled:
            app.state.index_relay_task = asyncio.create_task(
                app.state.index_relay.run(app.state.index_relay_stop)
            )

    async def stop(app: FastAPI) -> None:
        app.state.index_relay_stop.set()
        if app.state.index_relay_task is not None:
            await app.state.index_relay_task
        await app.state.index_relay.registry.aclose()
        await missions.aclose()

    app = create_service_app(
        settings=settings,
        title="SALW register: declarations",
        description=DESCRIPTION,
        version=VERSION,
        # The public router (checkpoint, verifier key, proofs) needs no token.
        routers=[v1_router(), log_public_router],
        idempotency_table=models.idempotency_keys,
        # A batch carries up to 1,000 declarations: the bulk limit (128 MiB by default).
        body_limits={
            "/declarations/v1/declarations/batch": settings.bulk_max_body_bytes,
            "/declarations/v1/declarations/import": settings.import_max_bytes,
        },
        auth_transport=auth_transport,
        metrics_source=metrics_readings,
        on_startup=start,
        on_shutdown=stop,
    )
    app.state.clock = clock
    app.state.missions = missions
    instrument_client(missions.client, app.state.tracer_provider)
    return app
