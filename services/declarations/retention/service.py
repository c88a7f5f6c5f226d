"""Retention: legal holds (secretariat or operator) and disposal after expiry.

Order of checks for disposal: existence for the caller (404), then who may
dispose (403: the declaring state or the operator; a secretariat that may
read the record may not remove it), then retention (409 ``retention_active``,
for everyone who may dispose, operator included), then holds (409
``legal_hold_active``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.common.errors import Conflict, Forbidden, NotFound
from services.common.security import Principal
from services.common.submitted_by import SubmittedBy, submitted_by_of
from services.declarations.declarations import repository as declarations_repository
from services.declarations.declarations.access import Visibility, require_disposer
from services.declarations.declarations.repository import DeclarationRow, as_utc
from services.declarations.log import service as log
from services.declarations.log.service import LogContext
from services.declarations.retention import repository
from services.declarations.retention.schemas import DisposalView, HoldView


def _declaration(session: Session, declaration_id: str, visible: Visibility) -> DeclarationRow:
    row = declarations_repository.find_current(
        session, declaration_id, visible.scope, own_country=visible.own_country
    )
    if row is None:
        raise NotFound(f"No declaration {declaration_id}", code="declaration_not_found")
    return row


def _view(row: object) -> HoldView:
    values = dict(row._mapping)  # type: ignore[attr-defined]
    values["placed_at"] = as_utc(values["placed_at"])
    if values["lifted_at"] is not None:
        values["lifted_at"] = as_utc(values["lifted_at"])
    return _view_of(values)


def _view_of(values: dict[str, Any]) -> HoldView:
    """A hold's stored columns as the API shows them, its actors as ``submitted_by``."""
    placed = submitted_by_of(
        values.pop("placed_by_type", None), values["placed_by"], values["placed_by_org"]
    )
    lifted = submitted_by_of(
        values.pop("lifted_by_type", None),
        values.get("lifted_by"),
        values.pop("lifted_by_org", None),
    )
    return HoldView(**values, submitted_by=placed, lift_submitted_by=lifted)


def list_holds(session: Session, *, declaration_id: str, visible: Visibility) -> list[HoldView]:
    """Every hold of a visible declaration."""
    _declaration(session, declaration_id, visible)
    return [_view(r) for r in repository.holds_of(session, declaration_id)]


def require_hold_authority(principal: Principal) -> None:
    """Holds are placed and lifted by a secretariat or the operator."""
    if principal.org_type not in ("secretariat", "operator"):
        raise Forbidden(
            "Legal holds are placed and lifted by a secretariat or the operator",
            code="hold_authority_required",
        )


def place_hold(
    session: Session,
    *,
    principal: Principal,
    declaration_id: str,
    reason: str,
    visible: Visibility,
    now: datetime,
    log_context: LogContext,
) -> HoldView:
    """Place a legal hold, logged; disposal stays blocked until it is lifted."""
    require_hold_authority(principal)
    row = _declaration(session, declaration_id, visible)
    hold_id = str(uuid.uuid4())
    entry = log.make_entry(
        "hold",
        now,
        declaration_id=declaration_id,
        version=row.version,
        record_sha256=row.record_sha256,
        hold_id=hold_id,
        reason=reason,
        by=principal.org,
        submitted_by=principal.submitted_by(),
    )
    (appended,) = log.append(session, log=log_context, entries=[entry], now=now)
    values = {
        "id": hold_id,
        "declaration_id": declaration_id,
        "reason": reason,
        "placed_at": now,
        "placed_by": principal.client_id,
        "placed_by_org": principal.org,
        "placed_by_type": principal.subject_type,
        "log_index": appended.index,
    }
    repository.insert_hold(session, **values)
    return _view_of(values)


def _may_lift(principal: Principal, hold: Any) -> bool:
    """A hold is lifted by the organisation that placed it, or by the operator."""
    return principal.org_type == "operator" or hold.placed_by_org == principal.org


def _hold_to_lift(principal: Principal, active: list[Any], hold_id: str | None) -> Any:
    """The active hold the request lifts: the named one, or the only one standing."""
    if hold_id is not None:
        named = [h for h in active if h.id == hold_id]
        if not named:
            raise NotFound(f"No active hold {hold_id} on this declaration", code="hold_not_found")
        hold = named[0]
    elif not active:
        raise NotFound("No active hold to lift", code="hold_not_found")
    elif len(active) > 1:
        raise Conflict(
            f"{len(active)} holds stand on this declaration: name the one to lift "
            "(DELETE .../holds/{hold_id})",
            code="hold_id_required",
            hold_ids=[h.id for h in active],
        )
    else:
        hold = active[0]
    if not _may_lift(principal, hold):
        raise Forbidden(
            f"This hold was placed by {hold.placed_by_org}: only it or the operator may lift it",
            code="hold_placed_by_another",
        )
    return hold


def lift_hold(
    session: Session,
    *,
    principal: Principal,
    declaration_id: str,
    reason: str,
    hold_id: str | None,
    visible: Visibility,
    now: datetime,
    log_context: LogContext,
) -> HoldView:
    """Lift one active hold, logged: the named one, or the only one standing.

    404 when no such active hold; 409 ``hold_id_required`` when several stand
    and none is named; 403 ``hold_placed_by_another`` unless the caller's
    organisation placed it or the caller is the operator.
    """
    require_hold_authority(principal)
    row = _declaration(session, declaration_id, visible)
    active = [h for h in repository.holds_of(session, declaration_id) if h.lifted_at is None]
    hold = _hold_to_lift(principal, active, hold_id)
    entry = log.make_entry(
        "hold_lifted",
        now,
        declaration_id=declaration_id,
        version=row.version,
        record_sha256=row.record_sha256,
        hold_id=hold.id,
        reason=reason,
        by=principal.org,
        submitted_by=principal.submitted_by(),
    )
    (landed,) = log.append(session, log=log_context, entries=[entry], now=now)
    repository.insert_lift(
        session,
        hold_id=hold.id,
        reason=reason,
        lifted_at=now,
        lifted_by=principal.client_id,
        lifted_by_org=principal.org,
        lifted_by_type=principal.subject_type,
        log_index=landed.index,
    )
    return next(_view(r) for r in repository.holds_of(session, declaration_id) if r.id == hold.id)


def _refused_by_database(session: Session, declaration_id: str) -> Conflict:
    """Why the database refused a disposal the checks above let through.

    A hold or a disposal that committed meanwhile, or a service clock ahead of
    the database's date (the database decides retention by its own date).
    """
    if any(h.lifted_at is None for h in repository.holds_of(session, declaration_id)):
        return Conflict("A legal hold blocks disposal", code="legal_hold_active")
    if repository.disposed(session, declaration_id):
        return Conflict("The declaration was already disposed of", code="already_disposed")
    return Conflict(
        "By the database's date the retention period has not expired",
        code="retention_active",
    )


def dispose(
    session: Session,
    *,
    principal: Principal,
    declaration_id: str,
    visible: Visibility,
    now: datetime,
    log_context: LogContext,
) -> DisposalView:
    """Remove the content of an expired, unheld declaration; hashes and log remain."""
    row = _declaration(session, declaration_id, visible)
    require_disposer(principal, row)
    if now.date() < row.retain_until:
        raise Conflict(
            f"The declaration must be kept until {row.retain_until.isoformat()}",
            code="retention_active",
            retain_until=row.retain_until.isoformat(),
        )
    if any(h.lifted_at is None for h in repository.holds_of(session, declaration_id)):
        raise Conflict("A legal hold blocks disposal", code="legal_hold_active")
    if row.disposed_at is not None:
        raise Conflict("The declaration was already disposed of", code="already_disposed")
    entry = log.make_entry(
        "disposal",
        now,
        declaration_id=declaration_id,
        version=row.version,
        record_sha256=row.record_sha256,
        by=principal.org,
        submitted_by=principal.submitted_by(),
    )
    (appended,) = log.append(session, log=log_context, entries=[entry], now=now)
    try:
        with session.begin_nested():
            repository.insert_disposal(
                session,
                declaration_id=declaration_id,
                disposed_on=now.date(),
                disposed_at=now,
                disposed_by=principal.client_id,
                disposed_by_type=principal.subject_type,
                disposed_by_org=principal.org,
                reason=None,
                log_index=appended.index,
            )
    except IntegrityError as exc:
        raise _refused_by_database(session, declaration_id) from exc
    removed = repository.remove_content(session, declaration_id)
    return DisposalView(
        declaration_id=declaration_id,
        disposed_at=now,
        disposed_by=principal.client_id,
        submitted_by=SubmittedBy(**principal.submitted_by()),
        versions_disposed=removed,
        log_index=appended.index,
    )
