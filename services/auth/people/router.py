"""``/auth/v1/people``: an organisation's admin (or the operator) invites and manages people."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse, Response

from services.auth.administrators import Administrator
from services.auth.clock import NowDep
from services.auth.deps import ActorDep, SettingsDep
from services.auth.models import Person
from services.auth.params import CODE
from services.auth.people import service
from services.auth.people.schemas import (
    Directory,
    DirectoryEntry,
    EnrolmentLink,
    PersonInvite,
    PersonInvited,
    PersonOut,
    RoleChange,
)
from services.auth.responses import NO_STORE
from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import REPLAYED_HEADER, IdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.scopes import Scope
from services.common.security import PrincipalDep, require_scope

router = APIRouter(prefix="/people", tags=["people"])

PersonIdPath = Annotated[str, Path(pattern=r"^psn_[0-9a-f]{32}$", description="Person id.")]


def people_administrator(session: SessionDep, principal: PrincipalDep) -> Administrator:
    """The caller's authority over people (403 unless an organisation admin or the operator)."""
    return service.administrator(session=session, principal=principal)


AdministratorDep = Annotated[Administrator, Depends(people_administrator)]


def person_out(person: Person) -> PersonOut:
    """The public view of a person."""
    return PersonOut(
        id=person.id,
        organisation=person.organisation,
        org_type=person.org_type,
        email=person.email,
        name=person.name,
        role=person.role,
        scopes=service.scopes_for(person),
        enabled=person.enabled,
        enrolled=person.enrolled_at is not None,
        created_at=person.created_at,
        updated_at=person.updated_at,
    )


@router.post(
    "",
    status_code=201,
    response_model=PersonInvited,
    summary="Invite a person (their organisation's admin, or the operator)",
    responses=problem_responses(403, 409, 422),
)
def invite_person(
    data: PersonInvite,
    session: SessionDep,
    settings: SettingsDep,
    by: AdministratorDep,
    actor: ActorDep,
    now: NowDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Returns the one-time enrolment link (valid 72 h by default) to pass to the person.
    403 for another organisation, or a role the caller may not give. A replay with the
    same `Idempotency-Key` returns the person with `enrolment_url` null (the link is shown
    once): `POST /auth/v1/people/{person_id}/reset-mfa` gives a new one."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    link = service.invite_person(
        session=session, settings=settings, data=data, by=by, actor=actor, now=now
    )
    public = PersonInvited(
        **person_out(link.person).model_dump(), enrolment_url=None, expires_at=link.expires_at
    )
    location = {"Location": f"/auth/v1/people/{link.person.id}"}
    stored = idempotency.respond(public.model_dump(mode="json"), headers=location)
    if stored.headers.get(REPLAYED_HEADER):
        return stored
    body = public.model_copy(update={"enrolment_url": link.url}).model_dump(mode="json")
    return JSONResponse(body, status_code=201, headers={**location, **NO_STORE})


@router.get(
    "/directory",
    summary="Enabled people's addresses and languages (services holding people:read)",
    responses=problem_responses(403, 422),
    dependencies=[Depends(require_scope(Scope.PEOPLE_READ))],
)
def people_directory(
    session: SessionDep,
    organisation: Annotated[
        str | None, Query(pattern=r"^[A-Za-z0-9_]{2,16}$", description="One organisation's.")
    ] = None,
) -> Directory:
    """Who a service may email, and in which language: the enabled people (of one
    organisation if asked). Only the operator's service clients hold `people:read`, made on
    the server (`regctl client create --scope people:read`); the registry's mail worker
    reads this to address notifications."""
    people = service.directory(session=session, organisation=organisation)
    return Directory(
        items=[
            DirectoryEntry(
                id=p.id,
                email=p.email,
                name=p.name,
                language=p.language,
                role=p.role,
                scopes=service.scopes_for(p),
                organisation=p.organisation,
                org_type=p.org_type,
            )
            for p in people
        ]
    )


@router.get(
    "",
    summary="List people (own organisation; the operator: all)",
    responses=problem_responses(400, 403),
)
def list_people(
    session: SessionDep,
    by: AdministratorDep,
    page: PageParamsDep,
    organisation: Annotated[str | None, Query(pattern=CODE)] = None,
) -> Page[PersonOut]:
    """People by id; an organisation's admin sees only its own."""
    rows, cursor = service.list_people(
        session=session, params=page, by=by, organisation=organisation
    )
    return Page(items=[person_out(p) for p in rows], next_cursor=cursor)


@router.get("/{person_id}", summary="One person", responses=problem_responses(403, 404))
def get_person(person_id: PersonIdPath, session: SessionDep, by: AdministratorDep) -> PersonOut:
    """404 for a person of another organisation."""
    return person_out(service.get_person(session=session, person_id=person_id, by=by))


@router.post(
    "/{person_id}/disable",
    summary="Disable a person at once (no new tokens; sessions and refresh tokens ended)",
    responses=problem_responses(403, 404, 409),
)
def disable_person(
    person_id: PersonIdPath, session: SessionDep, by: AdministratorDep, actor: ActorDep, now: NowDep
) -> PersonOut:
    """People are never deleted: the audit trail and the records keep naming them."""
    person = service.disable_person(
        session=session, person_id=person_id, by=by, actor=actor, now=now
    )
    return person_out(person)


@router.post(
    "/{person_id}/enable",
    summary="Enable a disabled person again (their organisation's admin, or the operator)",
    responses=problem_responses(403, 404),
)
def enable_person(
    person_id: PersonIdPath, session: SessionDep, by: AdministratorDep, actor: ActorDep, now: NowDep
) -> PersonOut:
    """Recorded in the audit trail as ``person.enabled``; enabling an enabled person
    changes nothing."""
    person = service.enable_person(
        session=session, person_id=person_id, by=by, actor=actor, now=now
    )
    return person_out(person)


@router.post(
    "/{person_id}/role",
    summary="Change a person's role (within their organisation's type)",
    responses=problem_responses(403, 404, 422),
)
def change_role(
    person_id: PersonIdPath,
    data: RoleChange,
    session: SessionDep,
    by: AdministratorDep,
    actor: ActorDep,
    now: NowDep,
) -> PersonOut:
    """Recorded in the audit trail as ``person.role_changed``."""
    person = service.change_role(
        session=session, person_id=person_id, role=data.role, by=by, actor=actor, now=now
    )
    return person_out(person)


@router.post(
    "/{person_id}/reset-mfa",
    response_model=EnrolmentLink,
    summary="Re-enrol a person: a new one-time link; password and authenticator set anew",
    responses=problem_responses(403, 404, 409),
)
def reset_mfa(
    person_id: PersonIdPath,
    session: SessionDep,
    settings: SettingsDep,
    by: AdministratorDep,
    actor: ActorDep,
    now: NowDep,
) -> JSONResponse:
    """The person's sessions end and older links stop working."""
    link = service.reset_mfa(
        session=session, settings=settings, person_id=person_id, by=by, actor=actor, now=now
    )
    body = EnrolmentLink(
        person_id=link.person.id, enrolment_url=link.url, expires_at=link.expires_at
    )
    return JSONResponse(body.model_dump(mode="json"), headers=NO_STORE)
