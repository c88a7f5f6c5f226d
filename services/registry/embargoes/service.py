"""Embargoes: editable reference data screened against declarations (``embargo`` alerts)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from services.common.errors import Conflict, FieldProblem, Forbidden, NotFound, ValidationFailed
from services.common.pagination import PageParams
from services.common.security import Principal
from services.common.tables import utcnow
from services.registry.alerts import detection
from services.registry.embargoes import repository
from services.registry.embargoes.schemas import (
    EmbargoCreate,
    EmbargoExemption,
    EmbargoRead,
    EmbargoWithdrawal,
)
from services.registry.field_reference.service import group_directory
from services.registry.models import Embargo
from services.registry.reference import trail
from services.registry.reference.trail import ChangeActor


def _ensure_may_manage(principal: Principal) -> None:
    if principal.org_type == "member_state":
        raise Forbidden("Secretariats and the operator manage embargoes", code="forbidden")


def _snapshot(embargo: Embargo) -> dict[str, Any]:
    return EmbargoRead.model_validate(embargo).model_dump(mode="json", exclude={"created_at"})


def create_embargo(
    *, session: Session, principal: Principal, actor: ChangeActor, data: EmbargoCreate
) -> Embargo:
    """Configure an embargo; secretariats and the operator only (403 otherwise). The
    reference trail records it.

    The declarations already indexed are screened against it in the same transaction
    (``embargo`` alerts for items found there since it started and made after, whose
    presumed user it covers), and declarations indexed from now on are screened as they
    arrive.
    """
    _ensure_may_manage(principal)
    known = group_directory(session).part_of
    unknown = [
        FieldProblem(loc=f"listed_groups[{i}]", msg=f"no armed group {code}")
        for i, code in enumerate(data.listed_groups)
        if code not in known
    ]
    if unknown:
        raise ValidationFailed(unknown)
    embargo = Embargo(
        id=str(uuid.uuid4()),
        created_by=principal.client_id,
        **data.model_dump(exclude={"exemptions"}),
        exemptions=[e.model_dump(mode="json") for e in data.exemptions],
    )
    repository.add_embargo(session, embargo)
    trail.record_change(
        session=session,
        actor=actor,
        entity="embargo",
        key=embargo.id,
        action="create",
        before=None,
        after=_snapshot(embargo),
    )
    detection.screen_indexed_for_embargo(session=session, embargo=embargo)
    return embargo


def add_exemption(
    *,
    session: Session,
    principal: Principal,
    actor: ChangeActor,
    embargo_id: str,
    exemption: EmbargoExemption,
) -> Embargo:
    """Narrow an embargo: from ``exemption.starts_on`` it no longer covers materiel of
    that party. Its open alerts that it no longer raises are closed with a note naming the
    exemption; the trail records the change. The same exemption sent again changes
    nothing. 404 unknown, 409 withdrawn."""
    _ensure_may_manage(principal)
    embargo = _get_active(session, embargo_id)
    added = exemption.model_dump(mode="json")
    if added in embargo.exemptions:
        return embargo  # a retry: already recorded, nothing to change or close
    before = _snapshot(embargo)
    embargo.exemptions = [*embargo.exemptions, added]
    repository.add_embargo(session, embargo)
    trail.record_change(
        session=session,
        actor=actor,
        entity="embargo",
        key=embargo.id,
        action="update",
        before=before,
        after=_snapshot(embargo),
    )
    detection.close_alerts_of_narrowed_embargo(
        session=session,
        embargo=embargo,
        why=f"Exemption of {exemption.party} from {exemption.starts_on.isoformat()}"
        f" ({exemption.reference}).",
    )
    return embargo


def withdraw_embargo(
    *,
    session: Session,
    principal: Principal,
    actor: ChangeActor,
    embargo_id: str,
    withdrawal: EmbargoWithdrawal,
) -> Embargo:
    """Withdraw an entry that is not (or never was) an arms embargo: it is kept with the
    reason, no longer screened, and every open alert it raised is closed with that reason.
    The trail records it. 404 unknown, 409 already withdrawn."""
    _ensure_may_manage(principal)
    embargo = _get_active(session, embargo_id)
    before = _snapshot(embargo)
    embargo.withdrawn_at = utcnow()
    embargo.withdrawal_reason = withdrawal.reason
    repository.add_embargo(session, embargo)
    trail.record_change(
        session=session,
        actor=actor,
        entity="embargo",
        key=embargo.id,
        action="update",
        before=before,
        after=_snapshot(embargo),
    )
    detection.close_alerts_of_narrowed_embargo(
        session=session, embargo=embargo, why=f"Entry withdrawn: {withdrawal.reason}"
    )
    return embargo


def _get_active(session: Session, embargo_id: str) -> Embargo:
    embargo = repository.get_embargo(session, embargo_id)
    if embargo is None:
        raise NotFound(f"No embargo with id {embargo_id!r}", code="embargo_not_found")
    if embargo.withdrawn_at is not None:
        raise Conflict(f"Embargo {embargo_id} is withdrawn", code="embargo_withdrawn")
    return embargo


def list_embargoes(
    *, session: Session, country: str | None, params: PageParams
) -> tuple[list[Embargo], str | None]:
    """A page of the configured embargoes, withdrawn ones included (reference data,
    readable by every caller)."""
    return repository.list_embargoes(
        session, country=country.upper() if country else None, params=params
    )
