"""Rules on missions: who owns one (its authority's secretariat, or the operator), who may
add or change one, and looking them up for manifests."""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session

from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.common.pagination import PageParams
from services.common.scopes import Scope
from services.common.security import Principal
from services.registry.missions import repository
from services.registry.missions.schemas import MissionCreate, MissionRead, MissionUpdate
from services.registry.models import Mission
from services.registry.reference import trail
from services.registry.reference.trail import ChangeActor

MISSION_EDITOR_SCOPES = frozenset({Scope.ADMIN, Scope.REGISTER_READ})
logger = logging.getLogger("salw.registry.missions")


def ensure_may_edit_missions(principal: Principal) -> None:
    """Missions are managed by the operator (``admin``) or a secretariat (``admin`` or
    ``register:read``); member states only read them."""
    if principal.org_type == "operator" and principal.has_scope(Scope.ADMIN):
        return
    if principal.org_type == "secretariat" and principal.scopes & MISSION_EDITOR_SCOPES:
        return
    raise Forbidden(
        "Missions are managed by the operator (admin scope) or a regional secretariat",
        code="insufficient_scope",
    )


def ensure_owns_mission(principal: Principal, authority: str) -> None:
    """A mission belongs to whoever authorised it: the secretariat of the community named
    by its ``authority`` (ECOWAS, ECCAS), and the operator. Missions of the UN, the AU and
    any body that is not one of the register's communities have no secretariat here, so
    only the operator adds or changes them. A secretariat never touches another
    community's mission (403 ``mission_not_owned``): ending one early would silence every
    unreturned-weapon alert of its contingents."""
    ensure_may_edit_missions(principal)
    if principal.org_type == "operator":
        return
    community = (principal.community or "").strip().upper()
    if community and community == authority.strip().upper():
        return
    raise Forbidden(
        f"A mission authorised by {authority} is changed by the operator or by the"
        f" secretariat of that community, not by {principal.org}",
        code="mission_not_owned",
    )


def _snapshot(mission: Mission) -> dict[str, Any]:
    """The mission as the trail records it (JSON-ready)."""
    return MissionRead.model_validate(mission).model_dump(mode="json", exclude={"created_at"})


def create_mission(
    *, session: Session, principal: Principal, actor: ChangeActor, payload: MissionCreate
) -> Mission:
    """Add a mission to the reference list (the operator, or the secretariat of the
    community named as its authority: 403 otherwise); 409 if its code exists. The trail
    records it."""
    ensure_owns_mission(principal, payload.authority)
    if repository.get_mission(session, payload.code) is not None:
        raise Conflict(f"Mission {payload.code} already exists", code="mission_exists")
    mission = Mission(**payload.model_dump())
    repository.add_mission(session, mission)
    trail.record_change(
        session=session,
        actor=actor,
        entity="mission",
        key=mission.code,
        action="create",
        before=None,
        after=_snapshot(mission),
    )
    return mission


def update_mission(
    *,
    session: Session,
    principal: Principal,
    actor: ChangeActor,
    code: str,
    changes: MissionUpdate,
) -> Mission:
    """Change a mission's name, end date, source or note: the operator, or the secretariat of the
    community that authorised it (member states and other secretariats 403; 404 for an
    unknown code). Setting ``end_date`` ends every contingent's rotation once
    it has passed (reconciliation, ``regctl alerts scan``). An end date before the start
    date or before a crossing already recorded is a 422. Each change is in the trail
    (and the log) with its old and new values and who made it."""
    ensure_may_edit_missions(principal)
    mission = get_mission(session=session, code=code)
    ensure_owns_mission(principal, mission.authority)
    fields = changes.model_fields_set
    end_date = changes.end_date if "end_date" in fields else mission.end_date
    if end_date is not None and end_date < mission.start_date:
        raise ValidationFailed(
            [
                {
                    "loc": "end_date",
                    "msg": f"before the start of {mission.code} ({mission.start_date.isoformat()})",
                }
            ]
        )
    latest = repository.latest_crossing(session, mission.code) if end_date is not None else None
    if end_date is not None and latest is not None and end_date < latest:
        # Ending a mission before crossings it already records would turn contingents'
        # recorded movements into refusals and flag every rotation as unreturned.
        raise ValidationFailed(
            [
                {
                    "loc": "end_date",
                    "msg": f"before the latest crossing recorded for {mission.code}"
                    f" ({latest.isoformat()})",
                }
            ]
        )
    snapshot = _snapshot(mission)
    editable = ("name", "end_date", "source", "note")
    before = {k: getattr(mission, k) for k in editable}
    if "name" in fields and changes.name is not None:
        mission.name = changes.name
    if "source" in fields and changes.source is not None:
        mission.source = changes.source
    if "note" in fields:
        mission.note = changes.note
    mission.end_date = end_date
    after = {k: getattr(mission, k) for k in editable}
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    if changed:
        repository.add_mission(session, mission)
        trail.record_change(
            session=session,
            actor=actor,
            entity="mission",
            key=mission.code,
            action="update",
            before=snapshot,
            after=_snapshot(mission),
        )
        logger.info(
            "mission updated",
            extra={
                "mission": mission.code,
                "changes": {k: [str(old), str(new)] for k, (old, new) in changed.items()},
                "actor": principal.client_id,
                "actor_org": principal.org,
            },
        )
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
