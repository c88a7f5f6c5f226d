"""Missions: the reference list of peace operations manifests and declarations name."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.security import PrincipalDep
from services.registry.deps import ChangeActorDep
from services.registry.missions import service
from services.registry.missions.schemas import MissionCreate, MissionRead, MissionUpdate

router = APIRouter(prefix="/missions", tags=["missions"])


@router.get("", response_model=Page[MissionRead])
def list_missions(
    session: SessionDep,
    page: PageParamsDep,
    authority: Annotated[str | None, Query(max_length=32)] = None,
) -> Page[MissionRead]:
    """Missions ordered by code; readable by any authenticated caller."""
    missions, cursor = service.list_missions(session=session, params=page, authority=authority)
    return Page(items=[MissionRead.model_validate(m) for m in missions], next_cursor=cursor)


@router.post(
    "",
    status_code=201,
    response_model=MissionRead,
    responses=problem_responses(403, 409, 422),
)
def create_mission(
    payload: MissionCreate,
    principal: PrincipalDep,
    actor: ChangeActorDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Add a mission: the operator (``admin`` scope), or the secretariat (``admin`` or
    ``register:read``) of the community named as its ``authority`` (ECOWAS, ECCAS); UN, AU
    and other missions are the operator's. Others 403. Recorded in the reference trail."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    mission = service.create_mission(
        session=session, principal=principal, actor=actor, payload=payload
    )
    body = MissionRead.model_validate(mission)
    return idempotency.respond(body, headers={"Location": f"/registry/v1/missions/{mission.code}"})


@router.get("/{code}", response_model=MissionRead, responses=problem_responses(404))
def get_mission(code: str, session: SessionDep) -> MissionRead:
    """One mission by code; any authenticated caller (the declarations service checks
    missions here)."""
    return MissionRead.model_validate(service.get_mission(session=session, code=code))


@router.patch(
    "/{code}",
    response_model=MissionRead,
    responses=problem_responses(403, 404, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                media: {"schema": {"$ref": "#/components/schemas/MissionUpdate"}}
                for media in ("application/json", "application/merge-patch+json")
            },
        }
    },
)
def update_mission(
    code: Annotated[str, Path(max_length=32)],
    changes: MissionUpdate,
    principal: PrincipalDep,
    actor: ChangeActorDep,
    session: SessionDep,
) -> MissionRead:
    """Change a mission's ``name`` or ``end_date`` (JSON Merge Patch: members left out are
    unchanged, ``"end_date": null`` removes it). Its owner only: the operator (``admin``),
    or the secretariat of the community that authorised it (ECOWAS, ECCAS); member states
    and other communities' secretariats 403, unknown code 404. Recorded in the reference
    trail with the mission before and after."""
    mission = service.update_mission(
        session=session, principal=principal, actor=actor, code=code, changes=changes
    )
    return MissionRead.model_validate(mission)
