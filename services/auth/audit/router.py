"""``GET /auth/v1/audit`` (operator)."""

from __future__ import annotations

from fastapi import APIRouter

from services.auth.audit import service
from services.auth.audit.schemas import AuditEventOut
from services.auth.deps import AdminDep
from services.auth.params import ActorQuery, EventQuery, SubjectQuery
from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.pagination import Page, PageParamsDep

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", summary="The audit trail (admin)", responses=problem_responses(400, 403))
def list_audit_events(
    session: SessionDep,
    _admin: AdminDep,
    page: PageParamsDep,
    event: EventQuery = None,
    subject: SubjectQuery = None,
    actor: ActorQuery = None,
) -> Page[AuditEventOut]:
    """Oldest first; follow ``next_cursor`` for the rest."""
    rows, cursor = service.list_events(
        session=session, params=page, event=event, subject=subject, actor=actor
    )
    return Page(items=[AuditEventOut.model_validate(r) for r in rows], next_cursor=cursor)
