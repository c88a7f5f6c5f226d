"""Arms embargoes screened by the ``embargo`` alert."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.security import PrincipalDep
from services.registry.deps import ChangeActorDep
from services.registry.embargoes import service
from services.registry.embargoes.schemas import (
    EmbargoCreate,
    EmbargoExemption,
    EmbargoRead,
    EmbargoWithdrawal,
)

router = APIRouter(prefix="/embargoes", tags=["embargoes"])


@router.post("", status_code=201, response_model=EmbargoRead, responses=problem_responses(403, 422))
def create_embargo(
    payload: EmbargoCreate,
    principal: PrincipalDep,
    actor: ChangeActorDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Configure an embargo (secretariat or operator): items found in ``country`` made
    after the year of ``starts_on`` (and not after ``ends_on``) raise ``embargo`` alerts,
    for the declarations already indexed (screened now) and for later ones, when the
    embargo covers the declaration's ``presumed_user_kind``: a ``non_state`` embargo
    leaves out ``government_forces``, and so does an exemption from its date; an unknown
    presumed user stays covered. Recorded in the reference trail."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    embargo = service.create_embargo(
        session=session, principal=principal, actor=actor, data=payload
    )
    body = EmbargoRead.model_validate(embargo)
    return idempotency.respond(body, headers={"Location": "/registry/v1/embargoes"})


@router.get("", response_model=Page[EmbargoRead])
def list_embargoes(
    session: SessionDep,
    page: PageParamsDep,
    country: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
) -> Page[EmbargoRead]:
    """Configured embargoes (seeded ones carry a "check" note where dates need confirming)."""
    embargoes, cursor = service.list_embargoes(session=session, country=country, params=page)
    return Page(items=[EmbargoRead.model_validate(e) for e in embargoes], next_cursor=cursor)


@router.post(
    "/{embargo_id}/exemptions",
    response_model=EmbargoRead,
    responses=problem_responses(403, 404, 409, 422),
)
def add_exemption(
    embargo_id: str,
    payload: EmbargoExemption,
    principal: PrincipalDep,
    actor: ChangeActorDep,
    session: SessionDep,
) -> EmbargoRead:
    """Narrow an embargo (secretariat or operator): from ``starts_on`` it no longer covers
    materiel of ``party``. Its open alerts it no longer raises are closed with a note that
    names the exemption; nothing is deleted. Recorded in the reference trail; the same
    exemption sent again changes nothing."""
    embargo = service.add_exemption(
        session=session,
        principal=principal,
        actor=actor,
        embargo_id=embargo_id,
        exemption=payload,
    )
    return EmbargoRead.model_validate(embargo)


@router.post(
    "/{embargo_id}/withdrawal",
    response_model=EmbargoRead,
    responses=problem_responses(403, 404, 409, 422),
)
def withdraw_embargo(
    embargo_id: str,
    payload: EmbargoWithdrawal,
    principal: PrincipalDep,
    actor: ChangeActorDep,
    session: SessionDep,
) -> EmbargoRead:
    """Withdraw an entry that is not an arms embargo (secretariat or operator): it is kept
    with its reason and no longer screened; every open alert it raised is closed with that
    reason. Recorded in the reference trail."""
    embargo = service.withdraw_embargo(
        session=session,
        principal=principal,
        actor=actor,
        embargo_id=embargo_id,
        withdrawal=payload,
    )
    return EmbargoRead.model_validate(embargo)
