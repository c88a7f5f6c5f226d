"""Legal holds (``POST/GET/DELETE .../{id}/holds``) and disposal (``DELETE .../{id}``)."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep
from services.common.pagination import Page
from services.common.security import PrincipalDep
from services.declarations.access import RetentionVisibleDep
from services.declarations.context import LogDep, NowDep
from services.declarations.retention import service
from services.declarations.retention.schemas import (
    DisposalView,
    HoldRequest,
    HoldView,
    LiftRequest,
)


def router() -> APIRouter:
    """Retention routes (mounted on the authenticated v1 router)."""
    r = APIRouter(prefix="/declarations", tags=["retention"])

    @r.get(
        "/{declaration_id}/holds",
        summary="Legal holds of a declaration",
        responses=problem_responses(403, 404),
    )
    def list_holds(
        declaration_id: str, session: SessionDep, visible: RetentionVisibleDep
    ) -> Page[HoldView]:
        holds = service.list_holds(session, declaration_id=declaration_id, visible=visible)
        return Page(items=holds, next_cursor=None)

    @r.post(
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
        visible: RetentionVisibleDep,
        session: SessionDep,
        idempotency: IdempotencyDep,
        now: NowDep,
        log: LogDep,
    ) -> Response:
        replay = await run_in_threadpool(idempotency.replay)
        if replay is not None:
            return replay
        hold = await run_in_threadpool(
            partial(
                service.place_hold,
                session,
                principal=principal,
                declaration_id=declaration_id,
                reason=body.reason,
                visible=visible,
                now=now,
                log_context=log,
            )
        )
        return await run_in_threadpool(partial(idempotency.respond, hold, status_code=201))

    @r.delete(
        "/{declaration_id}/holds",
        summary="Lift a legal hold (or every active one), with a reason",
        responses=problem_responses(403, 404, 422),
    )
    def lift_holds(
        declaration_id: str,
        body: LiftRequest,
        principal: PrincipalDep,
        visible: RetentionVisibleDep,
        session: SessionDep,
        now: NowDep,
        log: LogDep,
    ) -> Page[HoldView]:
        lifted = service.lift_holds(
            session,
            principal=principal,
            declaration_id=declaration_id,
            reason=body.reason,
            hold_id=body.hold_id,
            visible=visible,
            now=now,
            log_context=log,
        )
        return Page(items=lifted, next_cursor=None)

    @r.delete(
        "/{declaration_id}",
        summary="Dispose of a declaration after its retention period (content only)",
        responses=problem_responses(403, 404, 409),
    )
    def dispose(
        declaration_id: str,
        principal: PrincipalDep,
        visible: RetentionVisibleDep,
        session: SessionDep,
        now: NowDep,
        log: LogDep,
    ) -> DisposalView:
        return service.dispose(
            session,
            principal=principal,
            declaration_id=declaration_id,
            visible=visible,
            now=now,
            log_context=log,
        )

    return r
