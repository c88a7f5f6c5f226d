"""``/declarations/v1/index-feed``: the operator's view of the weapon-index feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.scopes import Scope
from services.common.security import Principal, require_scope
from services.declarations.index_feed import service
from services.declarations.index_feed.schemas import FeedPass, FeedStatus

AdminDep = Annotated[Principal, Depends(require_scope(Scope.ADMIN))]


def router() -> APIRouter:
    """Status and on-demand delivery (operator, ``admin`` scope)."""
    r = APIRouter(prefix="/index-feed", tags=["index feed"], responses=problem_responses(403))

    @r.get("", summary="How far the registry's weapon index is behind the log")
    def get_index_feed(request: Request, session: SessionDep, _admin: AdminDep) -> FeedStatus:
        return service.feed_status(session, settings=request.app.state.settings)

    @r.post("/deliveries", summary="Deliver pending entries now")
    async def deliver_index_feed(request: Request, _admin: AdminDep) -> FeedPass:
        return await service.deliver_now(relay=request.app.state.index_relay)

    return r
