"""The registry service's app factory: ``create_app(settings)``."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import APIRouter, FastAPI

from services.common.app import create_service_app
from services.common.security import authenticated_router
from services.common.transparency.note import parse_verifier_key
from services.registry import models, serial_index
from services.registry.alerts.router import router as alerts_router
from services.registry.alerts.triage_router import router as alert_triage_router
from services.registry.cases.router import router as cases_router
from services.registry.deps import system_clock
from services.registry.embargoes.router import router as embargoes_router
from services.registry.field_reference.router import router as field_reference_router
from services.registry.holdings.router import router as holdings_router
from services.registry.index.router import router as index_router
from services.registry.loss_reports.router import router as loss_reports_router
from services.registry.mail.directory import PeopleDirectory, load_credentials
from services.registry.mail.router import router as mail_router
from services.registry.mail.worker import run_mail_worker
from services.registry.manifest_drafts.router import router as manifest_drafts_router
from services.registry.manifests.router import router as manifests_router
from services.registry.metrics.service import readings as metrics_readings
from services.registry.missions.router import router as missions_router
from services.registry.notifications.worker import run_worker as run_notifications_worker
from services.registry.reconciliation.router import router as reconciliation_router
from services.registry.reference.router import router as reference_router
from services.registry.rotations.router import router as rotations_router
from services.registry.settings import RegistrySettings
from services.registry.statistics.router import router as statistics_router
from services.registry.trace.router import router as trace_router
from services.registry.webhooks.router import router as webhooks_router

VERSION = "0.1.0"
DESCRIPTION = """Deployment manifests of contingent-owned small arms, light weapons and
ammunition in and out of mission areas, loss reports, holdings, reconciliation,
tracing and diversion alerts.

Legal basis:
- ECOWAS Convention (2006) art. 11: troop-contributing member states document,
  in a centralized sub-regional database, the small arms and ammunition they
  bring into and take out of mission areas.
- Kinshasa Convention (2010) art. 22: the same documentation duty for ECCAS troops.

Errors are RFC 9457 problem documents (`application/problem+json`) with a
stable `code`; validation errors list every problem in `errors`.
"""

OPENAPI_TAGS = [
    {"name": "missions", "description": "Peace operations (reference data)."},
    {"name": "reference", "description": "Weapon categories and ammunition types (EN/FR)."},
    {"name": "manifests", "description": "Materiel crossing into and out of mission areas."},
    {"name": "loss-reports", "description": "Contingent-owned equipment lost, stolen, captured."},
    {"name": "holdings", "description": "What each contingent holds in a mission area now."},
    {"name": "reconciliation", "description": "in − out − lost − destroyed, per weapon and lot."},
    {
        "name": "rotations",
        "description": "Units whose rotation ends soon while they still hold weapons.",
    },
    {"name": "index", "description": "Declarations delivered by the declarations outbox."},
    {"name": "trace", "description": "One weapon's story across both registers."},
    {"name": "alerts", "description": "Diversion, linkage, embargo and unreturned alerts."},
    {"name": "embargoes", "description": "Arms embargoes screened against declarations."},
    {"name": "statistics", "description": "Counts over decades, map of declarations."},
    {"name": "webhooks", "description": "Signed event deliveries to national systems."},
    {"name": "cases", "description": "Tracing cases and the trace requests sent from them."},
    {"name": "email", "description": "Email for people: preferences and the mail outbox."},
]


def v1_router() -> APIRouter:
    """Every ``/registry/v1`` route, authenticated by default."""
    router = authenticated_router("/registry/v1")
    # Routes are matched in order, one after the other: trace, the hottest read (a
    # thousand requests a second), comes first. Prefixes do not overlap, so the order
    # changes nothing else (OpenAPI groups by the tags declared above).
    for domain in (
        trace_router,
        missions_router,
        reference_router,
        field_reference_router,
        manifests_router,
        manifest_drafts_router,
        loss_reports_router,
        holdings_router,
        reconciliation_router,
        rotations_router,
        index_router,
        alerts_router,
        alert_triage_router,
        embargoes_router,
        statistics_router,
        webhooks_router,
        cases_router,
        mail_router,
    ):
        router.include_router(domain)
    return router


def create_app(
    settings: RegistrySettings | None = None,
    *,
    auth_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the registry service; its database must be migrated (``regctl migrate``)."""
    settings = settings or RegistrySettings()
    resolved = settings

    async def start(app: FastAPI) -> None:
        app.state.neighbour_indexer_stop = asyncio.Event()
        app.state.neighbour_indexer_task = None
        if resolved.neighbour_indexer_enabled:
            app.state.neighbour_indexer_task = asyncio.create_task(
                serial_index.run_indexer(
                    app,
                    app.state.neighbour_indexer_stop,
                    interval_seconds=resolved.neighbour_indexer_interval_seconds,
                )
            )

        app.state.notifications_stop = asyncio.Event()
        app.state.notifications_task = None
        if resolved.webhooks_worker_enabled:
            app.state.notifications_task = asyncio.create_task(
                run_notifications_worker(app, app.state.notifications_stop, resolved)
            )
        # Email for people, from the same outbox (services/registry/mail/worker.py).
        app.state.mail_stop = asyncio.Event()
        app.state.mail_task = None
        if resolved.mail_worker_enabled:
            app.state.mail_task = asyncio.create_task(
                run_mail_worker(app, app.state.mail_stop, resolved)
            )

    async def stop(app: FastAPI) -> None:
        app.state.neighbour_indexer_stop.set()
        app.state.notifications_stop.set()
        app.state.mail_stop.set()
        if app.state.neighbour_indexer_task is not None:
            await app.state.neighbour_indexer_task
        if app.state.notifications_task is not None:
            await app.state.notifications_task
        if app.state.mail_task is not None:
            await app.state.mail_task

    app = create_service_app(
        settings=settings,
        title="SALW register: registry",
        description=DESCRIPTION,
        version=VERSION,
        routers=[v1_router()],
        idempotency_table=models.idempotency_keys,
        # Manifests and delivered declarations (up to 100,000 items each): the bulk limit.
        body_limits={
            "/registry/v1/manifests": settings.bulk_max_body_bytes,
            "/registry/v1/manifest-drafts": settings.bulk_max_body_bytes,
            "/registry/v1/index/declarations": settings.bulk_max_body_bytes,
            # An answer carries its file in base64 (4/3 of its size) beside its text.
            "/registry/v1/trace-requests": max(
                settings.max_body_bytes, settings.trace_answer_max_bytes * 4 // 3 + 256 * 1024
            ),
        },
        openapi_tags=OPENAPI_TAGS,
        auth_transport=auth_transport,
        metrics_source=metrics_readings,
        on_startup=start,
        on_shutdown=stop,
    )
    # Whom an alert may be assigned to: auth's people directory, with the registry's own
    # people:read client (the one the mail worker uses).
    app.state.people_directory = PeopleDirectory(
        auth=app.state.auth_client.client,
        credentials=lambda: load_credentials(
            settings.auth_client_id,
            settings.auth_client_secret,
            settings.resolved_auth_credentials_file(),
        ),
        ttl_seconds=settings.assignee_cache_seconds,
    )
    # Trace request deadlines are read against this clock (tests move it).
    app.state.clock = system_clock
    # The index accepts only deliveries proven against checkpoints this key signed.
    app.state.declarations_log_verifier = (
        parse_verifier_key(settings.declarations_log_key) if settings.declarations_log_key else None
    )
    return app
