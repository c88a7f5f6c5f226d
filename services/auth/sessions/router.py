"""``/auth/v1/sessions``: a person's own sessions; ``/auth/v1/people/{id}/sign-out``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from services.auth.clock import NowDep
from services.auth.deps import ActorDep
from services.auth.people import service as people
from services.auth.people.router import AdministratorDep, PersonIdPath
from services.auth.sessions import service
from services.auth.sessions.schemas import SessionOut, SignedOut
from services.common.database import SessionDep
from services.common.errors import Forbidden, problem_responses
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
