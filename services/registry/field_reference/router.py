"""Armed groups and headstamp codes (reference data, with the reference trail)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.security import PrincipalDep
from services.registry.deps import ChangeActorDep
from services.registry.field_reference import service
from services.registry.field_reference.schemas import (
    ArmedGroupCreate,
    ArmedGroupRead,
    ArmedGroupUpdate,
    HeadstampCodeCreate,
    HeadstampCodeRead,
    HeadstampCodeUpdate,
)

router = APIRouter(prefix="/reference", tags=["reference"])


@router.get("/armed-groups", response_model=Page[ArmedGroupRead])
def list_armed_groups(session: SessionDep, page: PageParamsDep) -> Page[ArmedGroupRead]:
    """Armed groups with their aliases, dates and sources ("check" where unsure): a
    declared presumed user naming one of them resolves to it (alerts and statistics)."""
    groups, cursor = service.list_groups(session=session, params=page)
    return Page(items=[ArmedGroupRead.model_validate(g) for g in groups], next_cursor=cursor)


@router.post(
    "/armed-groups",
    status_code=201,
    response_model=ArmedGroupRead,
    responses=problem_responses(403, 409, 422),
)
def create_armed_group(
    payload: ArmedGroupCreate,
    principal: PrincipalDep,
    actor: ChangeActorDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Add an armed group (a secretariat, or the operator with ``admin``); recorded in
    the reference trail. A name or alias another group bears is a 422: a presumed user
    must resolve to one group."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    group = service.create_group(session=session, principal=principal, actor=actor, data=payload)
    return idempotency.respond(
        ArmedGroupRead.model_validate(group),
        headers={"Location": "/registry/v1/reference/armed-groups"},
    )


@router.patch(
    "/armed-groups/{code}",
    response_model=ArmedGroupRead,
    responses=problem_responses(403, 404, 422),
)
def update_armed_group(
    code: Annotated[str, Path(max_length=32)],
    changes: ArmedGroupUpdate,
    principal: PrincipalDep,
    actor: ChangeActorDep,
    session: SessionDep,
) -> ArmedGroupRead:
    """Change an armed group (a secretariat, or the operator with ``admin``): add and
    remove aliases by name, set ``active_to`` to retire it, correct its name, dates,
    ``part_of``, source or note. ``reason`` is required; the reference trail keeps who,
    when, why and the group before and after. Presumed users in declarations indexed from
    then on resolve through the new names; those already indexed keep their resolution
    until a new version is delivered. Unknown code 404; a name or alias another group
    bears, a removed alias the group lacks, dates out of order or a ``part_of`` unknown or
    circular 422, each named."""
    group = service.update_group(
        session=session, principal=principal, actor=actor, code=code, changes=changes
    )
    return ArmedGroupRead.model_validate(group)


@router.get("/headstamps", response_model=Page[HeadstampCodeRead])
def list_headstamps(session: SessionDep, page: PageParamsDep) -> Page[HeadstampCodeRead]:
    """Headstamp factory codes and the makers they stand for, with sources ("check" where
    unsure): a declared headstamp resolves to its maker (and year) through them."""
    stamps, cursor = service.list_headstamps(session=session, params=page)
    return Page(items=[HeadstampCodeRead.model_validate(s) for s in stamps], next_cursor=cursor)


@router.post(
    "/headstamps",
    status_code=201,
    response_model=HeadstampCodeRead,
    responses=problem_responses(403, 409, 422),
)
def create_headstamp(
    payload: HeadstampCodeCreate,
    principal: PrincipalDep,
    actor: ChangeActorDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Add a headstamp code (a secretariat, or the operator with ``admin``); recorded in
    the reference trail."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    stamp = service.create_headstamp(
        session=session, principal=principal, actor=actor, data=payload
    )
    return idempotency.respond(
        HeadstampCodeRead.model_validate(stamp),
        headers={"Location": "/registry/v1/reference/headstamps"},
    )


@router.patch(
    "/headstamps/{code}",
    response_model=HeadstampCodeRead,
    responses=problem_responses(403, 404, 422),
)
def update_headstamp(
    code: Annotated[str, Path(max_length=32)],
    changes: HeadstampCodeUpdate,
    principal: PrincipalDep,
    actor: ChangeActorDep,
    session: SessionDep,
) -> HeadstampCodeRead:
    """Correct a headstamp code's maker, country, source or note (a secretariat, or the
    operator with ``admin``); the code is compared without regard to case. ``reason`` is
    required; the reference trail keeps who, when, why and the entry before and after.
    Headstamps in declarations indexed from then on resolve to the new maker; those
    already indexed keep theirs until a new version is delivered. Unknown code 404."""
    stamp = service.update_headstamp(
        session=session, principal=principal, actor=actor, code=code, changes=changes
    )
    return HeadstampCodeRead.model_validate(stamp)
