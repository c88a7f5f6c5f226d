"""Legal holds (``POST/GET/DELETE .../{id}/holds``, ``DELETE .../{id}/holds/{hold_id}``)
and disposal (``DELETE .../{id}``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep
from services.common.pagination import Page
from services.common.security import PrincipalDep
from services.declarations.deps import HoldVisibleDep, LogDep, NowDep, RetentionVisibleDep
from services.declarations.log.transaction import commit_log_write
from services.declarations.retention import service
from services.declarations.retention.schemas import (
    DisposalView,
    HoldLiftRequest,
    HoldRequest,
    HoldView,
    LiftRequest,
)

router = APIRouter(prefix="/declarations", tags=["retention"])


@router.get(
    "/{declaration_id}/holds",
    summary="Legal holds of a declaration",
    responses=problem_responses(403, 404),
)
def list_holds(declaration_id: str, session: SessionDep, visible: HoldVisibleDep) -> Page[HoldView]:
    holds = service.list_holds(session, declaration_id=declaration_id, visible=visible)
    return Page(items=holds, next_cursor=None)


@router.post(
    "/{declaration_id}/holds",
    status_code=201,
    response_model=HoldView,
    summary="Place a legal hold (secretariat or operator); blocks disposal",
    responses=problem_responses(403, 404, 422),
)
async def place_hold(
    declaration_id: str,
    body: HoldRequest,
    principal: PrincipalDep,
    visible: HoldVisibleDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
    now: NowDep,
    log: LogDep,
) -> Response:
    replay = await run_in_threadpool(idempotency.replay)
    if replay is not None:
        return replay

    def place() -> Response:
        hold = service.place_hold(
            session,
            principal=principal,
            declaration_id=declaration_id,
            reason=body.reason,
            visible=visible,
            now=now,
            log_context=log,
        )
        return idempotency.respond(hold, status_code=201)

    return await commit_log_write(session, place)


@router.delete(
    "/{declaration_id}/holds",
    summary="Lift the one hold standing (409 when several stand: name it), with a reason",
    responses=problem_responses(403, 404, 409, 422),
)
async def lift_holds(
    declaration_id: str,
    body: LiftRequest,
    principal: PrincipalDep,
    visible: HoldVisibleDep,
    session: SessionDep,
    now: NowDep,
    log: LogDep,
) -> Page[HoldView]:
    def lift() -> Page[HoldView]:
        lifted = service.lift_hold(
            session,
            principal=principal,
            declaration_id=declaration_id,
            reason=body.reason,
            hold_id=body.hold_id,
            visible=visible,
            now=now,
            log_context=log,
        )
        return Page(items=[lifted], next_cursor=None)

    return await commit_log_write(session, lift)


@router.delete(
    "/{declaration_id}/holds/{hold_id}",
    summary="Lift a legal hold (its placing organisation or the operator), with a reason",
    responses=problem_responses(403, 404, 422),
)
async def lift_hold(
    declaration_id: str,
    hold_id: str,
    body: HoldLiftRequest,
    principal: PrincipalDep,
    visible: HoldVisibleDep,
    session: SessionDep,
    now: NowDep,
    log: LogDep,
) -> HoldView:
    def lift() -> HoldView:
        return service.lift_hold(
            session,
            principal=principal,
            declaration_id=declaration_id,
            reason=body.reason,
            hold_id=hold_id,
            visible=visible,
            now=now,
            log_context=log,
        )

    return await commit_log_write(session, lift)


@router.delete(
    "/{declaration_id}",
    summary="Dispose of a declaration after its retention period (content only)",
    responses=problem_responses(403, 404, 409),
)
async def dispose(
    declaration_id: str,
    principal: PrincipalDep,
    visible: RetentionVisibleDep,
    session: SessionDep,
    now: NowDep,
    log: LogDep,
) -> DisposalView:
    def dispose_content() -> DisposalView:
        return service.dispose(
            session,
            principal=principal,
            declaration_id=declaration_id,
            visible=visible,
            now=now,
            log_context=log,
        )

    return await commit_log_write(session, dispose_content)
