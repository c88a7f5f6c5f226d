"""``/auth/v1/sessions``: a person's own sessions; ``/auth/v1/people/{id}/sign-out``;
``/auth/v1/organisations/{code}/sessions``: an organisation's admin (or the operator) sees
and ends its people's sessions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from services.auth.clock import NowDep
from services.auth.deps import ActorDep, SettingsDep
from services.auth.models import Person, PersonSession
from services.auth.params import CodePath
from services.auth.people import service as people
from services.auth.people.router import AdministratorDep, PersonIdPath
from services.auth.sessions import service
from services.auth.sessions.schemas import (
    OrganisationSessionOut,
    SessionOut,
    SessionPerson,
    SignedOut,
)
from services.common.database import SessionDep
from services.common.errors import Forbidden, problem_responses
from services.common.pagination import Page, PageParamsDep
from services.common.security import PrincipalDep

router = APIRouter(tags=["sessions"])

SessionIdPath = Annotated[str, Path(pattern=r"^ses_[0-9a-f]{32}$", description="Session id.")]


def _person_id(principal_id: str) -> str:
    if not principal_id.startswith("psn_"):
        raise Forbidden("Only a person has sessions")
    return principal_id


@router.get(
    "/sessions", summary="Your open sessions (person tokens)", responses=problem_responses(403)
)
def my_sessions(session: SessionDep, principal: PrincipalDep) -> list[SessionOut]:
    """Newest first: the app, the address it started from, when it was last used."""
    rows = service.active_sessions(session=session, person_id=_person_id(principal.client_id))
    return [
        SessionOut(
            id=r.id,
            app=r.app_id,
            address=r.address,
            started_at=r.started_at,
            last_used_at=r.last_used_at,
        )
        for r in rows
    ]


@router.delete(
    "/sessions/{session_id}",
    status_code=204,
    summary="End one of your sessions",
    responses=problem_responses(403, 404),
)
def end_my_session(
    session_id: SessionIdPath,
    session: SessionDep,
    principal: PrincipalDep,
    actor: ActorDep,
    now: NowDep,
) -> Response:
    """Its refresh token stops working at once; its access token within 900 s."""
    service.end_own(
        session=session,
        person_id=_person_id(principal.client_id),
        session_id=session_id,
        actor=actor,
        now=now,
    )
    return Response(status_code=204)


@router.post(
    "/people/{person_id}/sign-out",
    summary="Sign a person out everywhere (their organisation's admin, or the operator)",
    responses=problem_responses(403, 404),
)
def sign_out_everywhere(
    person_id: PersonIdPath,
    session: SessionDep,
    by: AdministratorDep,
    actor: ActorDep,
    now: NowDep,
) -> SignedOut:
    """Every session of the person ends; they can sign in again."""
    person = people.get_person(session=session, person_id=person_id, by=by)
    ended = service.end_all(session=session, person_id=person.id, actor=actor, now=now)
    return SignedOut(person_id=person.id, sessions_ended=ended)


def _organisation_session_out(row: PersonSession, person: Person) -> OrganisationSessionOut:
    return OrganisationSessionOut(
        id=row.id,
        app=row.app_id,
        address=row.address,
        started_at=row.started_at,
        last_used_at=row.last_used_at,
        person=SessionPerson(id=person.id, name=person.name, email=person.email, role=person.role),
    )


@router.get(
    "/organisations/{code}/sessions",
    summary="Open sessions of an organisation's people (its admin, or the operator)",
    responses=problem_responses(400, 403, 404),
)
def organisation_sessions(
    code: CodePath,
    session: SessionDep,
    settings: SettingsDep,
    by: AdministratorDep,
    page: PageParamsDep,
    now: NowDep,
) -> Page[OrganisationSessionOut]:
    """By the person's email, then session: who is signed in, in which app, from which
    address, since when. Sessions past their idle or absolute limit are left out. 404 for
    another organisation (an admin person sees their own only)."""
    rows, cursor = service.organisation_sessions(
        session=session, settings=settings, code=code, by=by, params=page, now=now
    )
    items = [_organisation_session_out(r, p) for r, p in rows]
    return Page(items=items, next_cursor=cursor)


@router.get(
    "/organisations/{code}/sessions/{session_id}",
    summary="One open session of one of an organisation's people (its admin, or the operator)",
    responses=problem_responses(403, 404),
)
def organisation_session(
    code: CodePath,
    session_id: SessionIdPath,
    session: SessionDep,
    by: AdministratorDep,
) -> OrganisationSessionOut:
    """404 for another organisation, a session of another organisation's person, or one
    already ended."""
    row, person = service.organisation_session(
        session=session, code=code, session_id=session_id, by=by
    )
    return _organisation_session_out(row, person)


@router.delete(
    "/organisations/{code}/sessions/{session_id}",
    status_code=204,
    summary="End one session of one of an organisation's people (its admin, or the operator)",
    responses=problem_responses(403, 404),
)
def end_organisation_session(
    code: CodePath,
    session_id: SessionIdPath,
    session: SessionDep,
    by: AdministratorDep,
    actor: ActorDep,
    now: NowDep,
) -> Response:
    """Its refresh token stops working at once; its access token within 900 s. Recorded in
    the audit trail as ``session.ended`` (reason ``ended_by_admin``) with the caller as
    actor. 404 for a session of another organisation's person, or one already ended."""
    service.end_in_organisation(
        session=session, code=code, session_id=session_id, by=by, actor=actor, now=now
    )
    return Response(status_code=204)
