"""``/{service}/healthz`` (the process answers) and ``/{service}/readyz``.

Ready means the database answers and is at the migration head this code
expects; during a database outage readyz says 503 and recovers by itself. With a
read replica configured, readyz also says whether it serves reads (``ok``) or is
skipped (``degraded``: down or lagging); still 200, since the primary answers.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from services.common.errors import ServiceUnavailable, problem_responses
from services.common.migrations import current_revisions


class Health(BaseModel):
    """The process is up."""

    status: Literal["ok"] = "ok"
    service: str


class Readiness(BaseModel):
    """The database answers and is migrated."""

    status: Literal["ready"] = "ready"
    service: str
    database: str
    revision: list[str]
    replica: Literal["ok", "degraded"] | None = Field(
        default=None,
        description="The read replica's state; absent when none is configured",
    )
    replica_lag_seconds: float | None = Field(
        default=None, description="How far the replica's replay is behind, when known"
    )
    replica_reason: str | None = Field(default=None, description="Why it is degraded")


def health_router(service: str, expected_heads: set[str]) -> APIRouter:
    """Unauthenticated liveness and readiness routes for ``service``."""
    router = APIRouter(prefix=f"/{service}", tags=["health"])

    @router.get("/healthz", operation_id=f"{service}_healthz", summary="Liveness")
    def healthz() -> Health:
        return Health(service=service)

    @router.get(
        "/readyz",
        operation_id=f"{service}_readyz",
        summary="Readiness: database reachable and at the migration head",
        responses=problem_responses(503),
        response_model_exclude_none=True,
    )
    def readyz(request: Request) -> Readiness:
        engine = request.app.state.engine
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            revisions = current_revisions(engine)
        except SQLAlchemyError:
            raise ServiceUnavailable(
                "The database is unreachable", code="database_unavailable"
            ) from None
        if revisions != expected_heads:
            raise ServiceUnavailable(
                f"The database is at {sorted(revisions)}, the code expects"
                f" {sorted(expected_heads)}; run `regctl migrate`",
                code="database_not_migrated",
            )
        readiness = Readiness(
            service=service, database=engine.dialect.name, revision=sorted(revisions)
        )
        replica = getattr(request.app.state, "replica", None)
        if replica is not None:
            state = replica.state()
            readiness.replica = state.status
            readiness.replica_lag_seconds = state.lag_seconds
            readiness.replica_reason = state.reason
        return readiness

    return router
