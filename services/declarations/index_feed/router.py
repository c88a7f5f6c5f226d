"""``/declarations/v1/index-feed``: the operator's view of the weapon-index feed."""

from __future__ import annotations

from fastapi import APIRouter

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.declarations.deps import AdminDep, IndexRelayDep, SettingsDep
from services.declarations.index_feed import service
from services.declarations.index_feed.schemas import FeedPass, FeedStatus

# Status and on-demand delivery: the operator's (``admin`` scope).
router = APIRouter(prefix="/index-feed", tags=["index feed"], responses=problem_responses(403))


@router.get("", summary="How far the registry's weapon index is behind the log")
def get_index_feed(session: SessionDep, _admin: AdminDep, settings: SettingsDep) -> FeedStatus:
    return service.feed_status(session, settings=settings)


@router.post("/deliveries", summary="Deliver pending entries now")
async def deliver_index_feed(_admin: AdminDep, relay: IndexRelayDep) -> FeedPass:
    return await service.deliver_now(relay=relay)
