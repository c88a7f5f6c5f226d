"""The drafts workflow, the same for every kind of record a service owns.

    draft ──submit──▶ awaiting_approval ──approve──▶ submitted (names its record)
      ▲                  │        │
      │ save             │return  └──────────────▶ withdrawn (DELETE; from draft,
    returned ◀───────────┘                          returned or awaiting_approval)

Editors and admins of a member state (a token with the service's write scope)
create, save, submit and withdraw their organisation's drafts; only a person
whose role is ``admin`` in the same organisation approves or returns one. An
admin may approve a draft they wrote themselves: the approval step is the
organisation's, and an admin could post the record directly anyway.

Drafts are never visible outside their organisation (404, as for any record the
caller may not know exists), never logged, indexed or counted: they live in
their own tables and only approval creates a record, through the service's
normal path. Nothing is deleted; every step is kept in the draft's history.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from services.common.drafts import repository
from services.common.drafts.schemas import DraftRead, DraftStep, DraftWrite
from services.common.drafts.tables import DraftState, DraftTables
from services.common.errors import (
    Conflict,
    FieldProblem,
    Forbidden,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from services.common.pagination import PageParams
from services.common.security import Principal
from services.common.submitted_by import SubmittedBy

EDITABLE = ("draft", "returned")
OPEN = ("draft", "returned", "awaiting_approval")


@dataclass(frozen=True)
class DraftKind:
    """A service's drafts: their tables and the name of the record they become."""

    tables: DraftTables
    record: str  # "manifest", "declaration": in messages and error codes


def etag_of(draft: DraftState) -> str:
    """The draft's ETag: its version, which every change bumps."""
    return f'"{draft.version}"'


def _not_found(kind: DraftKind) -> NotFound:
    return NotFound(f"No such {kind.record} draft", code="draft_not_found")


def _own(session: Session, kind: DraftKind, principal: Principal, draft_id: str) -> DraftState:
    if principal.org_type != "member_state":
        raise _not_found(kind)
    draft = repository.find_draft(
        session, kind.tables, draft_id=draft_id, organisation=principal.org
    )
    if draft is None:
        raise _not_found(kind)
    return draft


def _check_if_match(draft: DraftState, if_match: str | None, *, required: bool) -> None:
    if if_match is None:
        if required:
            raise PreconditionRequired(
                "Send If-Match with the draft's ETag (from reading it)", code="if_match_required"
            )
        return
    # RFC 9110 13.1.1: strong comparison; a weak tag matches nothing.
    candidates = [tag.strip() for tag in if_match.split(",")]
    if "*" not in candidates and etag_of(draft) not in candidates:
        raise PreconditionFailed(
            "The draft changed since you read it; read it again", code="stale_draft"
        )


def _check_status(draft: DraftState, allowed: Sequence[str], action: str) -> None:
    if draft.status not in allowed:
        raise Conflict(
            f"A draft in status {draft.status!r} cannot be {action}; it must be "
            + " or ".join(repr(s) for s in allowed),
            code="draft_status_conflict",
            draft_status=draft.status,
        )


def _change(
    session: Session,
    kind: DraftKind,
    draft: DraftState,
    *,
    principal: Principal,
    action: str,
    status: str,
    now: datetime,
    content: tuple[str | None, dict[str, Any]] | None = None,
    record_id: str | None = None,
    comment: str | None = None,
) -> DraftState:
    appended = repository.add_step(
        session,
        kind.tables,
        draft_id=draft.id,
        version=draft.version + 1,
        action=action,
        status=status,
        actor=principal.submitted_by(),
        at=now,
        content=content,
        record_id=record_id,
        comment=comment,
    )
    if not appended:
        raise PreconditionFailed(
            "The draft changed while this request ran; read it again", code="stale_draft"
        )
    return _own(session, kind, principal, draft.id)


def create_draft(
    session: Session, kind: DraftKind, *, principal: Principal, write: DraftWrite, now: datetime
) -> DraftState:
    """Save a new draft of the caller's organisation (a member state's; 403 otherwise)."""
    if principal.org_type != "member_state":
        raise Forbidden(
            "Drafts are a member state's own work; a secretariat or operator posts records"
            " directly",
            code="drafts_for_member_states",
        )
    draft_id = str(uuid.uuid4())
    actor = principal.submitted_by()
    repository.insert_draft(
        session, kind.tables, draft_id=draft_id, organisation=principal.org, actor=actor, at=now
    )
    repository.add_step(
        session,
        kind.tables,
        draft_id=draft_id,
        version=1,
        action="created",
        status="draft",
        actor=actor,
        at=now,
        content=(write.title, write.body),
    )
    return _own(session, kind, principal, draft_id)


def get_draft(
    session: Session, kind: DraftKind, *, principal: Principal, draft_id: str
) -> DraftState:
    """The draft if it is the caller's organisation's (404 otherwise)."""
    return _own(session, kind, principal, draft_id)


def list_drafts(
    session: Session,
    kind: DraftKind,
    *,
    principal: Principal,
    statuses: Sequence[str] | None,
    params: PageParams,
) -> tuple[list[Any], str | None]:
    """A page of the caller's organisation's drafts (none for other organisations)."""
    if principal.org_type != "member_state":
        return [], None
    return repository.list_drafts(
        session, kind.tables, organisation=principal.org, statuses=statuses, params=params
    )


def save_draft(
    session: Session,
    kind: DraftKind,
    *,
    principal: Principal,
    draft_id: str,
    write: DraftWrite,
    if_match: str | None,
    now: datetime,
) -> DraftState:
    """Replace a draft's body and title (If-Match required; while draft or returned)."""
    draft = _own(session, kind, principal, draft_id)
    _check_if_match(draft, if_match, required=True)
    _check_status(draft, EDITABLE, "saved")
    return _change(
        session,
        kind,
        draft,
        principal=principal,
        action="saved",
        status=draft.status,
        content=(write.title, write.body),
        now=now,
    )


def submit_draft(
    session: Session,
    kind: DraftKind,
    *,
    principal: Principal,
    draft_id: str,
    if_match: str | None,
    now: datetime,
) -> DraftState:
    """Send a draft (or a returned one) for approval by an admin."""
    draft = _own(session, kind, principal, draft_id)
    _check_if_match(draft, if_match, required=False)
    _check_status(draft, EDITABLE, "submitted for approval")
    return _change(
        session,
        kind,
        draft,
        principal=principal,
        action="submitted",
        status="awaiting_approval",
        now=now,
    )


def _require_admin(kind: DraftKind, principal: Principal, action: str) -> None:
    if principal.subject_type != "person" or principal.role != "admin":
        raise Forbidden(
            f"Only an admin of the organisation may {action} a {kind.record} draft",
            code="draft_approval_needs_admin",
        )


def return_draft(
    session: Session,
    kind: DraftKind,
    *,
    principal: Principal,
    draft_id: str,
    comment: str,
    if_match: str | None,
    now: datetime,
) -> DraftState:
    """Send a draft awaiting approval back to its editors with a comment (admins only)."""
    draft = _own(session, kind, principal, draft_id)
    _require_admin(kind, principal, "return")
    _check_if_match(draft, if_match, required=False)
    _check_status(draft, ("awaiting_approval",), "returned")
    return _change(
        session,
        kind,
        draft,
        principal=principal,
        action="returned",
        status="returned",
        now=now,
        comment=comment,
    )


def draft_to_approve(
    session: Session,
    kind: DraftKind,
    *,
    principal: Principal,
    draft_id: str,
    if_match: str | None,
) -> DraftState:
    """The draft an admin is approving, once the checks allow it (admin, awaiting approval);
    the caller creates the record, then :func:`mark_approved` in the same transaction."""
    draft = _own(session, kind, principal, draft_id)
    _require_admin(kind, principal, "approve")
    _check_if_match(draft, if_match, required=False)
    _check_status(draft, ("awaiting_approval",), "approved")
    return draft


def mark_approved(
    session: Session,
    kind: DraftKind,
    *,
    principal: Principal,
    draft: DraftState,
    record_id: str,
    now: datetime,
) -> DraftState:
    """Record that ``draft`` became the record ``record_id`` (status submitted)."""
    return _change(
        session,
        kind,
        draft,
        principal=principal,
        action="approved",
        status="submitted",
        record_id=record_id,
        now=now,
    )


def withdraw_draft(
    session: Session,
    kind: DraftKind,
    *,
    principal: Principal,
    draft_id: str,
    if_match: str | None,
    now: datetime,
) -> DraftState:
    """Withdraw an open draft (kept, with its history, as withdrawn)."""
    draft = _own(session, kind, principal, draft_id)
    _check_if_match(draft, if_match, required=False)
    _check_status(draft, OPEN, "withdrawn")
    return _change(
        session,
        kind,
        draft,
        principal=principal,
        action="withdrawn",
        status="withdrawn",
        now=now,
    )


def _actor(type_: str, id_: str, organisation: str) -> SubmittedBy:
    return SubmittedBy.model_validate({"type": type_, "id": id_, "organisation": organisation})


def draft_read(
    session: Session, kind: DraftKind, draft: DraftState, problems: list[FieldProblem]
) -> DraftRead:
    """The API's view of ``draft`` with its current ``problems`` and its history."""
    steps = repository.history(session, kind.tables, draft_id=draft.id)
    return DraftRead(
        id=draft.id,
        status=draft.status,
        organisation=draft.organisation,
        title=draft.title,
        body=draft.body,
        created_by=_actor(draft.created_by_type, draft.created_by, draft.organisation),
        created_at=draft.created_at,
        updated_at=draft.updated_at,
        version=draft.version,
        record_id=draft.record_id,
        problems=problems,
        history=[
            DraftStep(
                action=step.action,
                actor=_actor(step.actor_type, step.actor, step.actor_org),
                at=step.at,
                comment=step.comment,
            )
            for step in steps
        ],
    )
