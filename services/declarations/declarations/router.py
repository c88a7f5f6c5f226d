"""``/declarations/v1/declarations``: declare, list, read, and read versions."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.replica import ReadSessionDep
from services.common.security import ReadScopeDep, require_own_country
from services.declarations.declarations import batch as batch_service
from services.declarations.declarations import service
from services.declarations.declarations.schemas import (
    MAX_BATCH_DECLARATIONS,
    MAX_BATCH_ITEMS,
    DeclarationBatch,
    DeclarationDocument,
)
from services.declarations.declarations.views import (
    BatchCreated,
    DeclarationCreated,
    DeclarationSummary,
    DeclarationView,
    VersionView,
)
from services.declarations.deps import LogDep, MissionsDep, NowDep, SettingsDep, WriterDep
from services.declarations.log.transaction import commit_log_write

router = APIRouter(prefix="/declarations", tags=["declarations"])


@router.post(
    "",
    status_code=201,
    response_model=DeclarationCreated,
    summary="Declare materiel seized, collected or destroyed",
    responses=problem_responses(403, 409, 413, 422, 503),
)
async def create_declaration(
    document: DeclarationDocument,
    principal: WriterDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
    missions: MissionsDep,
    now: NowDep,
    log: LogDep,
    settings: SettingsDep,
) -> Response:
    require_own_country(principal, document.declaring_country)
    replay = await run_in_threadpool(idempotency.replay)
    if replay is not None:
        return replay
    known = await missions.knows(document.mission, principal.token)

    def declare() -> Response:
        created = service.create_declaration(
            session,
            principal=principal,
            document=document,
            mission_known=known,
            now=now,
            log_context=log,
            retention_years=settings.retention_years,
        )
        headers = {
            "ETag": created.etag,
            "Location": f"/declarations/v1/declarations/{created.id}",
        }
        return idempotency.respond(created, status_code=201, headers=headers)

    return await commit_log_write(session, declare)


@router.post(
    "/batch",
    status_code=201,
    response_model=BatchCreated,
    summary=f"Declare up to {MAX_BATCH_DECLARATIONS:,} declarations at once, all or none",
    description="Each declaration is checked as by a single POST; every problem of every"
    " declaration is listed at once, located as `declarations[3].items[2]...`, and nothing"
    " is stored unless all are accepted. The batch is logged in one append under one"
    f" signed checkpoint. At most {MAX_BATCH_ITEMS:,} items in all.",
    responses=problem_responses(403, 409, 413, 422, 503),
)
async def create_declaration_batch(
    batch: DeclarationBatch,
    principal: WriterDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
    missions: MissionsDep,
    now: NowDep,
    log: LogDep,
    settings: SettingsDep,
) -> Response:
    batch_service.require_own_countries(principal, batch.declarations)
    replay = await run_in_threadpool(idempotency.replay)
    if replay is not None:
        return replay
    codes = sorted({d.mission for d in batch.declarations if d.mission is not None})
    answers = await asyncio.gather(*(missions.knows(c, principal.token) for c in codes))

    def declare_all() -> Response:
        created = batch_service.create_batch(
            session,
            principal=principal,
            documents=batch.declarations,
            missions_known={c: bool(a) for c, a in zip(codes, answers, strict=True)},
            now=now,
            log_context=log,
            retention_years=settings.retention_years,
        )
        return idempotency.respond(created, status_code=201)

    return await commit_log_write(session, declare_all)


@router.get("", summary="List declarations the caller may read", responses=problem_responses(403))
def list_declarations(
    session: ReadSessionDep,
    scope: ReadScopeDep,
    page: PageParamsDep,
    type: Annotated[Literal["seizure", "collection", "destruction"] | None, Query()] = None,
    declaring_country: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
    mission: Annotated[str | None, Query(max_length=32)] = None,
    undeclared: Annotated[
        bool | None, Query(description="true: destructions of never-declared materiel")
    ] = None,
    event_from: Annotated[
        date | None, Query(description="events on or after this day (current version)")
    ] = None,
    event_to: Annotated[
        date | None, Query(description="events on or before this day (current version)")
    ] = None,
) -> Page[DeclarationSummary]:
    items, cursor = service.list_declarations(
        session,
        scope=scope,
        page=page,
        declaration_type=type,
        declaring_country=declaring_country,
        mission=mission,
        undeclared=undeclared,
        event_from=event_from,
        event_to=event_to,
    )
    return Page(items=items, next_cursor=cursor)


@router.get(
    "/{declaration_id}",
    summary="One declaration and its current record",
    responses=problem_responses(403, 404),
)
def get_declaration(
    declaration_id: str, session: SessionDep, scope: ReadScopeDep, response: Response
) -> DeclarationView:
    view = service.get_declaration(session, declaration_id=declaration_id, scope=scope)
    response.headers["ETag"] = f'"{view.record_sha256}"'
    return view


@router.get(
    "/{declaration_id}/versions",
    summary="Every version of a declaration, oldest first",
    responses=problem_responses(403, 404),
)
def list_versions(
    declaration_id: str, session: SessionDep, scope: ReadScopeDep
) -> Page[VersionView]:
    versions = service.list_versions(session, declaration_id=declaration_id, scope=scope)
    return Page(items=versions, next_cursor=None)
