"""``POST /declarations/v1/declarations/{id}/amendments``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep
from services.declarations.amendments import service
from services.declarations.amendments.schemas import Amendment
from services.declarations.declarations.views import DeclarationCreated
from services.declarations.deps import (
    KnownDep,
    LogDep,
    MissionsDep,
    NowDep,
    SettingsDep,
    WriterDep,
)
from services.declarations.log.transaction import commit_log_write

router = APIRouter(prefix="/declarations", tags=["declarations"])


@router.post(
    "/{declaration_id}/amendments",
    status_code=201,
    response_model=DeclarationCreated,
    summary="Amend a declaration: a new version from a JSON Merge Patch",
    responses=problem_responses(403, 404, 409, 412, 422, 428, 503),
)
async def amend_declaration(
    declaration_id: str,
    amendment: Amendment,
    principal: WriterDep,
    knowable: KnownDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
    missions: MissionsDep,
    now: NowDep,
    log: LogDep,
    settings: SettingsDep,
    if_match: Annotated[str | None, Header(description="ETag of the current version")] = None,
) -> Response:
    replay = await run_in_threadpool(idempotency.replay)
    if replay is not None:
        return replay
    mission = amendment.changes.get("mission")
    mission_exists = await missions.knows(
        mission if isinstance(mission, str) else None, principal.token
    )

    def amend() -> Response:
        created = service.amend(
            session,
            principal=principal,
            declaration_id=declaration_id,
            amendment=amendment,
            knowable=knowable,
            if_match=if_match,
            mission_known=mission_exists,
            now=now,
            log_context=log,
            retention_years=settings.retention_years,
        )
        headers = {
            "ETag": created.etag,
            "Location": f"/declarations/v1/declarations/{declaration_id}/versions",
        }
        return idempotency.respond(created, status_code=201, headers=headers)

    return await commit_log_write(session, amend)
