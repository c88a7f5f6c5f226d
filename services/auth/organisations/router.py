"""``/auth/v1/organisations`` (operator)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from services.auth.deps import ActorDep, AdminDep
from services.auth.organisations import service
from services.auth.organisations.schemas import OrganisationCreate, OrganisationOut, OrgTypeField
from services.auth.params import CodePath
from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.security import PrincipalDep
from services.common.tables import utcnow

router = APIRouter(prefix="/organisations", tags=["organisations"])


@router.post(
    "",
    status_code=201,
    response_model=OrganisationOut,
    summary="Create an organisation (admin)",
    responses=problem_responses(403, 409, 422),
)
def create_organisation(
    data: OrganisationCreate,
    session: SessionDep,
    _admin: AdminDep,
    actor: ActorDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Member state (alpha-3 code), secretariat (community code) or operator."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    organisation = service.create_organisation(
        session=session, data=data, actor=actor, now=utcnow()
    )
    body = OrganisationOut.model_validate(organisation).model_dump(mode="json")
    return idempotency.respond(
        body, headers={"Location": f"/auth/v1/organisations/{organisation.code}"}
    )


@router.get("", summary="List organisations (admin)", responses=problem_responses(400, 403))
def list_organisations(
    session: SessionDep,
    _admin: AdminDep,
    page: PageParamsDep,
    type: OrgTypeField | None = Query(default=None, description="Only this type."),
) -> Page[OrganisationOut]:
    """Every organisation, by code."""
    rows, cursor = service.list_organisations(session=session, params=page, org_type=type)
    return Page(items=[OrganisationOut.model_validate(r) for r in rows], next_cursor=cursor)


@router.get(
    "/{code}",
    summary="One organisation (admin, or the caller's own)",
    responses=problem_responses(404),
)
def get_organisation(
    code: CodePath, session: SessionDep, principal: PrincipalDep
) -> OrganisationOut:
    """The operator sees every organisation; others see only their own."""
    organisation = service.get_organisation(session=session, code=code, principal=principal)
    return OrganisationOut.model_validate(organisation)
