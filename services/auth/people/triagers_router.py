"""``/auth/v1/organisations/{code}/triagers``: whom an alert may be assigned to."""

from __future__ import annotations

from fastapi import APIRouter

from services.auth.params import CodePath
from services.auth.people import service
from services.auth.people.schemas import Triager, Triagers
from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.security import PrincipalDep

router = APIRouter(prefix="/organisations", tags=["people"])


@router.get(
    "/{code}/triagers",
    summary="The people of the caller's organisation who triage alerts (alerts:triage)",
    responses=problem_responses(403, 404, 422),
)
def list_triagers(code: CodePath, session: SessionDep, principal: PrincipalDep) -> Triagers:
    """Enabled admins and analysts of the caller's own secretariat, by name, with their
    id, name and email only: the people an alert may be assigned to. For callers holding
    `alerts:triage` (analysts and admins, or the secretariat's API clients); 403 without
    it, 404 for another organisation."""
    people = service.triagers(session=session, principal=principal, code=code)
    return Triagers(items=[Triager(id=p.id, name=p.name, email=p.email) for p in people])
