"""Rules on missions: who may add one, and looking them up for manifests."""

from __future__ import annotations

from sqlmodel import Session

from services.common.errors import Conflict, Forbidden, NotFound
from services.common.pagination import PageParams
from services.common.security import Principal
from services.registry.missions import repository
from services.registry.missions.schemas import MissionCreate
from services.registry.models import Mission

MISSION_EDITOR_SCOPES = frozenset({"admin", "register:read"})


def ensure_may_edit_missions(principal: Principal) -> None:
    """Missions are managed by the operator (``admin``) or a secretariat (``admin`` or
    ``register:read``); member states only read them."""
    if principal.org_type == "operator" and principal.has_scope("admin"):
        return
    if principal.org_type == "secretariat" and principal.scopes & MISSION_EDITOR_SCOPES:
        return
    raise Forbidden(
        "Missions are managed by the operator (admin scope) or a regional secretariat",
        code="insufficient_scope",
    )


def create_mission(*, session: Session, principal: Principal, payload: MissionCreate) -> Mission:
    """Add a mission to the reference list; 409 if its code exists."""
    ensure_may_edit_missions(principal)
    if repository.get_mission(session, payload.code) is not None:
        raise Conflict(f"Mission {payload.code} already exists", code="mission_exists")
    mission = Mission(**payload.model_dump())
    repository.add_mission(session, mission)
    return mission


def get_mission(*, session: Session, code: str) -> Mission:
    """The mission with ``code`` (case-insensitive); 404 if unknown."""
    mission = repository.get_mission(session, code.strip().upper())
    if mission is None:
        raise NotFound(f"No mission with code {code!r}", code="mission_not_found")
    return mission


def list_missions(
    *, session: Session, params: PageParams, authority: str | None = None
) -> tuple[list[Mission], str | None]:
    """A page of missions ordered by code."""
    return repository.list_missions(
        session, params=params, authority=authority.upper() if authority else None
    )
