"""``/declarations/v1/declarations``: declare, list, read, and read versions."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.scopes import Scope
from services.common.security import Principal, ReadScopeDep, require_own_country, require_scope
from services.declarations.context import LogDep, MissionsDep, NowDep
from services.declarations.declarations import batch as batch_service
from services.declarations.declarations import repository, service
from services.declarations.declarations.schemas import (
    MAX_BATCH_DECLARATIONS,
    MAX_BATCH_ITEMS,
    BatchCreated,
    DeclarationBatch,
    DeclarationCreated,
    DeclarationDocument,
    DeclarationSummary,
    DeclarationView,
    VersionView,
)
from services.declarations.log.transaction import commit_holding_log_lock
from services.declarations.models import declaration_versions, declarations
from services.declarations.settings import DeclarationsSettings

WriterDep = Annotated[Principal, Depends(require_scope(Scope.DECLARATIONS_WRITE))]


def settings_of(request: Request) -> DeclarationsSettings:
    """The service's settings."""
    settings: DeclarationsSettings = request.app.state.settings
    return settings


SettingsDep = Annotated[DeclarationsSettings, Depends(settings_of)]


async def mission_known(
    missions: MissionsDep, principal: Principal, mission: str | None
) -> bool | None:
    """Ask the registry about ``mission`` (None when no mission is named)."""
    if mission is None:
        return None
    return await missions.find(mission, principal.token) is not None


def router() -> APIRouter:
    """Declaration routes (mounted on the authenticated v1 router)."""
    r = APIRouter(prefix="/declarations", tags=["declarations"])

    @r.post(
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
        known = await mission_known(missions, principal, document.mission)

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

        return await run_in_threadpool(commit_holding_log_lock, session, declare)

    @r.post(
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
        answers = await asyncio.gather(*(mission_known(missions, principal, c) for c in codes))

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

        return await run_in_threadpool(commit_holding_log_lock, session, declare_all)

    @r.get("", summary="List declarations the caller may read", responses=problem_responses(403))
    def list_declarations(
        session: SessionDep,
        scope: ReadScopeDep,
        page: PageParamsDep,
        type: Annotated[Literal["seizure", "collection", "destruction"] | None, Query()] = None,
        declaring_country: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
        mission: Annotated[str | None, Query(max_length=32)] = None,
        undeclared: Annotated[
            bool | None, Query(description="true: destructions of never-declared materiel")
        ] = None,
    ) -> Page[DeclarationSummary]:
        filters = []
        if type is not None:
            filters.append(declarations.c.type == type)
        if declaring_country is not None:
            filters.append(declarations.c.declaring_country == declaring_country)
        if mission is not None:
            filters.append(declaration_versions.c.mission == mission)
        if undeclared is not None:
            filters.append(declaration_versions.c.undeclared == undeclared)
        items, cursor = service.list_declarations(
            session,
            readable=scope.clause(*repository.readable_clause_columns()),
            filters=filters,
            page=page,
        )
        return Page(items=items, next_cursor=cursor)

    @r.get(
        "/{declaration_id}",
        summary="One declaration and its current record",
        responses=problem_responses(403, 404),
    )
    def get_declaration(
        declaration_id: str, session: SessionDep, scope: ReadScopeDep, response: Response
    ) -> DeclarationView:
        view = service.get_declaration(
            session,
            declaration_id=declaration_id,
            readable=scope.clause(*repository.readable_clause_columns()),
        )
        response.headers["ETag"] = f'"{view.record_sha256}"'
        return view

    @r.get(
        "/{declaration_id}/versions",
        summary="Every version of a declaration, oldest first",
        responses=problem_responses(403, 404),
    )
    def list_versions(
        declaration_id: str, session: SessionDep, scope: ReadScopeDep
    ) -> Page[VersionView]:
        versions = service.list_versions(
            session,
            declaration_id=declaration_id,
            readable=scope.clause(*repository.readable_clause_columns()),
        )
        return Page(items=versions, next_cursor=None)

    return r
