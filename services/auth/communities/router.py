"""``/auth/v1/communities``: read by any caller (verifiers fetch it with the caller's
own token), edited by the operator."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from services.auth.communities import service
from services.auth.communities.schemas import (
    CommunityCreate,
    CommunityOut,
    MembershipCreate,
    MembershipOut,
    MembershipUpdate,
)
from services.auth.deps import ActorDep, AdminDep
from services.auth.params import CodePath, MembershipIdPath
from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.security import CommunityDirectory
from services.common.tables import utcnow

router = APIRouter(prefix="/communities", tags=["communities"])
EDIT_ERRORS = problem_responses(403, 404, 409, 422)


def _invalidate(request: Request) -> None:
    # This service's own cache; other services' caches expire after their TTL.
    directory: CommunityDirectory = request.app.state.communities
    directory.invalidate()


@router.get("", summary="Communities with dated memberships", responses=problem_responses(400))
def list_communities(session: SessionDep, page: PageParamsDep) -> Page[CommunityOut]:
    """Every community and every membership period of its states."""
    items, cursor = service.list_communities(session=session, params=page)
    return Page(items=items, next_cursor=cursor)


@router.get("/{code}", summary="One community", responses=problem_responses(404))
def get_community(code: CodePath, session: SessionDep) -> CommunityOut:
    """A community with its memberships."""
    return service.get_community(session=session, code=code)


@router.post(
    "",
    status_code=201,
    response_model=CommunityOut,
    summary="Add a community (admin)",
    responses=problem_responses(403, 409, 422),
)
def create_community(
    data: CommunityCreate,
    session: SessionDep,
    _admin: AdminDep,
    actor: ActorDep,
    idempotency: IdempotencyDep,
) -> Response:
    """A new community with no members yet."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    created = service.create_community(session=session, data=data, actor=actor, now=utcnow())
    return idempotency.respond(
        created.model_dump(mode="json"), headers={"Location": f"/auth/v1/communities/{data.code}"}
    )


@router.post(
    "/{code}/memberships",
    status_code=201,
    response_model=MembershipOut,
    summary="Add a membership period (admin)",
    responses=EDIT_ERRORS,
)
def add_membership(
    code: CodePath,
    data: MembershipCreate,
    request: Request,
    session: SessionDep,
    _admin: AdminDep,
    actor: ActorDep,
    idempotency: IdempotencyDep,
) -> Response:
    """A state joined (or rejoined) the community on ``joined``."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    out = service.add_membership(session=session, code=code, data=data, actor=actor, now=utcnow())
    _invalidate(request)
    return idempotency.respond(out.model_dump(mode="json"))


@router.patch(
    "/{code}/memberships/{membership_id}",
    summary="Change a membership period (admin)",
    responses=EDIT_ERRORS,
)
def update_membership(
    code: CodePath,
    membership_id: MembershipIdPath,
    data: MembershipUpdate,
    request: Request,
    session: SessionDep,
    _admin: AdminDep,
    actor: ActorDep,
) -> MembershipOut:
    """Set ``left`` when a state leaves; correct dates as better sources appear."""
    out = service.update_membership(
        session=session,
        code=code,
        membership_id=membership_id,
        data=data,
        actor=actor,
        now=utcnow(),
    )
    _invalidate(request)
    return out


@router.delete(
    "/{code}/memberships/{membership_id}",
    status_code=204,
    summary="Delete a membership entered by mistake (admin)",
    responses=EDIT_ERRORS,
)
def delete_membership(
    code: CodePath,
    membership_id: MembershipIdPath,
    request: Request,
    session: SessionDep,
    _admin: AdminDep,
    actor: ActorDep,
) -> Response:
    """Remove a wrong period; a departure is recorded by setting ``left`` instead."""
    service.delete_membership(
        session=session, code=code, membership_id=membership_id, actor=actor, now=utcnow()
    )
    _invalidate(request)
    return Response(status_code=204)
