"""Rules on tracing cases: who opens them, what goes in them, who reads them.

A case belongs to the organisation that opened it: a secretariat (its analysts and
admins, or its API clients) or a member state (its editors and admins, or its clients
holding ``manifests:write``). That organisation reads and changes it; a secretariat may
share its case with a state the case concerns, which then reads it. Everyone else gets
404, the operator included. Records added are read through the caller's tenancy and
copied as they read then.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.common.errors import Conflict, FieldProblem, Forbidden, NotFound, ValidationFailed
from services.common.pagination import PageParams
from services.common.scopes import Scope
from services.common.security import Principal, ReadScope
from services.common.tables import utcnow
from services.registry.alerts import service as alerts
from services.registry.cases import repository
from services.registry.cases.schemas import CaseCreate, CaseItemCreate, TraceOutcomeCount
from services.registry.models import Case, CaseItem, CaseShare, TraceRequest

ItemFields = dict[str, Any]
"""A case item's columns as read from the record it copies."""

# Roles of people who may open and work on cases (API clients: by scope, see below).
CASE_ROLES = {"secretariat": ("admin", "analyst"), "member_state": ("admin", "editor")}


@dataclass
class CaseView:
    """A case with everything its detail shows."""

    case: Case
    items: list[CaseItem]
    shares: list[CaseShare]
    requests: list[TraceRequest]


def require_case_worker(principal: Principal) -> None:
    """403 unless the caller may open and work on cases for its organisation."""
    roles = CASE_ROLES.get(principal.org_type)
    allowed = roles is not None and (
        principal.role in roles if principal.subject_type == "person" else True
    )
    if principal.org_type == "member_state" and not principal.has_scope(Scope.MANIFESTS_WRITE):
        allowed = False
    if not allowed:
        raise Forbidden(
            "Cases are worked on by a secretariat's analysts and admins and by a state's"
            " editors and admins",
            code="case_role",
        )


def open_case(
    *, session: Session, principal: Principal, scope: ReadScope, payload: CaseCreate
) -> CaseView:
    """Open a case owned by the caller's organisation; ``from_alert`` (an alert the caller
    sees) and ``from_item`` (a record the caller reads, or a trace result) become its first
    records; 422 naming every problem of both."""
    require_case_worker(principal)
    first: list[ItemFields] = []
    problems: list[FieldProblem] = []
    if payload.from_alert is not None:
        try:
            first.append(_alert_item(session, principal, scope, payload.from_alert, "from_alert"))
        except ValidationFailed as refused:
            problems += _located(refused, "")
    if payload.from_item is not None:
        try:
            fields = _item_of(session, principal, scope, payload.from_item)
        except ValidationFailed as refused:
            problems += _located(refused, "from_item.")
        else:
            if payload.from_item.note is not None:
                fields["note"] = payload.from_item.note
            first.append(fields)
    if problems:
        raise ValidationFailed(problems)
    case = Case(
        id=str(uuid.uuid4()),
        title=payload.title,
        summary=payload.summary,
        owner_org=principal.org,
        owner_org_type=principal.org_type,
        from_alert_id=payload.from_alert,
        opened_by=principal.client_id,
        opened_by_type=principal.subject_type,
    )
    repository.add(session, case)
    for fields in first:
        _stage_item(session, case, fields, principal)
    return view(session, case)


def _located(refused: ValidationFailed, prefix: str) -> list[FieldProblem]:
    """A refusal's problems, their places under ``prefix``."""
    return [
        FieldProblem(loc=prefix + str(e["loc"]), msg=str(e["msg"]), type=e.get("type"))
        for e in refused.extra["errors"]
    ]


def get_case(*, session: Session, principal: Principal, case_id: str) -> Case:
    """A case the caller's organisation owns or was shared; 404 otherwise."""
    case = repository.get_case(session, case_id=case_id, organisation=principal.org)
    if case is None:
        raise NotFound("No such case", code="case_not_found")
    return case


def owned_case(*, session: Session, principal: Principal, case_id: str) -> Case:
    """A case the caller may change: 404 unseen, 403 shared (read only) or wrong role."""
    case = get_case(session=session, principal=principal, case_id=case_id)
    if case.owner_org != principal.org:
        raise Forbidden("A shared case is read only; its owner changes it", code="case_read_only")
    require_case_worker(principal)
    return case


def view(session: Session, case: Case) -> CaseView:
    """The case with its records, shares and trace requests."""
    return CaseView(
        case=case,
        items=repository.items_of(session, case.id),
        shares=repository.shares_of(session, case.id),
        requests=repository.requests_of(session, case.id),
    )


def list_cases(
    *, session: Session, principal: Principal, params: PageParams
) -> tuple[list[Case], str | None]:
    """A page of the cases the caller's organisation owns or was shared, oldest first."""
    return repository.list_cases(session, organisation=principal.org, params=params)


def add_item(
    *,
    session: Session,
    principal: Principal,
    scope: ReadScope,
    case_id: str,
    payload: CaseItemCreate,
) -> CaseItem:
    """Add a record the caller may read to its organisation's case; 422 naming every
    missing or unknown reference."""
    case = owned_case(session=session, principal=principal, case_id=case_id)
    fields = _item_of(session, principal, scope, payload)
    if payload.note is not None:
        fields["note"] = payload.note
    return _stage_item(session, case, fields, principal)


def _stage_item(session: Session, case: Case, fields: ItemFields, principal: Principal) -> CaseItem:
    item = CaseItem(
        case_id=case.id,
        added_by=principal.client_id,
        added_by_type=principal.subject_type,
        added_by_org=principal.org,
        **fields,
    )
    repository.add(session, item)
    return item


_NEEDS = {
    "manifest_item": ("manifest_id", "line"),
    "declared_item": ("declaration_id", "item_index"),
    "alert": ("alert_id",),
    "trace_result": ("serial_number", "manufacturer", "country"),
}


def _item_of(
    session: Session, principal: Principal, scope: ReadScope, payload: CaseItemCreate
) -> ItemFields:
    problems = [
        FieldProblem(loc=name, msg=f"required for a {payload.kind} item")
        for name in _NEEDS[payload.kind]
        if getattr(payload, name) is None
    ]
    problems += [
        FieldProblem(loc=name, msg=f"not part of a {payload.kind} item")
        for name in ("manifest_id", "line", "declaration_id", "item_index", "alert_id")
        if getattr(payload, name) is not None and name not in _NEEDS[payload.kind]
    ]
    if problems:
        raise ValidationFailed(problems)
    if payload.kind == "alert":
        assert payload.alert_id is not None
        return _alert_item(session, principal, scope, payload.alert_id, "alert_id")
    if payload.kind == "manifest_item":
        assert payload.manifest_id is not None
        assert payload.line is not None
        return _manifest_item(session, scope, payload.manifest_id, payload.line)
    if payload.kind == "declared_item":
        assert payload.declaration_id is not None
        assert payload.item_index is not None
        return _declared_item(session, scope, payload.declaration_id, payload.item_index)
    return {
        "kind": "trace_result",
        "item_kind": "weapon",
        "serial_number": payload.serial_number,
        "manufacturer": payload.manufacturer,
        "model": payload.model,
        "calibre": payload.calibre,
        "category": payload.category,
        "country": payload.country,
        "record_date": payload.record_date or utcnow().date(),
    }


def _alert_item(
    session: Session, principal: Principal, scope: ReadScope, alert_id: str, loc: str
) -> ItemFields:
    try:
        alert, _ = alerts.get_alert(
            session=session, scope=scope, principal=principal, alert_id=alert_id
        )
    except NotFound:
        raise ValidationFailed(
            [FieldProblem(loc=loc, msg=f"no alert {alert_id!r} you see")]
        ) from None
    return {
        "kind": "alert",
        "reference": alert.id,
        "item_kind": alert.kind,
        "country": alert.country,
        "record_date": alert.record_date,
        "note": alert.summary[:2000],
    }


def _manifest_item(session: Session, scope: ReadScope, manifest_id: str, line: int) -> ItemFields:
    found = repository.manifest_item(session, manifest_id=manifest_id, line=line, scope=scope)
    if found is None:
        raise ValidationFailed(
            [
                FieldProblem(
                    loc="line", msg=f"no line {line} of a manifest {manifest_id!r} you may read"
                )
            ]
        )
    return {
        "kind": "manifest_item",
        "reference": found.manifest_id,
        "item_index": found.line,
        "item_kind": found.kind,
        "category": found.category,
        "manufacturer": found.manufacturer,
        "model": found.model,
        "calibre": found.calibre,
        "serial_number": found.serial_number,
        "markings": found.markings,
        "country": found.contributing_country,
        "record_date": found.crossing_date,
        "place": found.mission_code,
    }


def _declared_item(
    session: Session, scope: ReadScope, declaration_id: str, index: int
) -> ItemFields:
    found = repository.declared_item(
        session, declaration_id=declaration_id, item_index=index, scope=scope
    )
    if found is None:
        raise ValidationFailed(
            [
                FieldProblem(
                    loc="item_index",
                    msg=f"no item {index} of a declaration {declaration_id!r} you may read",
                )
            ]
        )
    item, declaration = found
    return {
        "kind": "declared_item",
        "reference": declaration_id,
        "item_index": index,
        "declaration_version": item.declaration_version,
        "log_index": declaration.log_index,
        "log_leaf_hash": declaration.log_leaf_hash,
        "log_checkpoint": declaration.log_checkpoint,
        "log_inclusion": declaration.log_inclusion,
        "item_kind": item.kind,
        "category": item.category,
        "manufacturer": item.manufacturer,
        "model": item.model,
        "calibre": item.calibre,
        "serial_number": item.serial_number,
        "country": item.declaring_country,
        "record_date": item.event_date,
        "place": ", ".join(p for p in (item.place, item.location_country) if p),
    }


def share(*, session: Session, principal: Principal, case_id: str, organisation: str) -> CaseShare:
    """Share a secretariat's case with a state it concerns (a state of one of its records,
    or a trace request's recipient or established origin); 422 otherwise, 409 twice."""
    case = owned_case(session=session, principal=principal, case_id=case_id)
    if case.owner_org_type != "secretariat":
        raise Forbidden("Only a secretariat shares its cases", code="case_share_secretariat")
    if organisation not in concerned_states(session, case):
        raise ValidationFailed(
            [FieldProblem(loc="organisation", msg=f"the case does not concern {organisation}")]
        )
    shared = CaseShare(
        case_id=case.id,
        organisation=organisation,
        shared_by=principal.client_id,
        shared_by_type=principal.subject_type,
        shared_by_org=principal.org,
    )
    try:
        with session.begin_nested():
            repository.add(session, shared)
    except IntegrityError as exc:
        raise Conflict(
            f"The case is already shared with {organisation}", code="already_shared"
        ) from exc
    return shared


def concerned_states(session: Session, case: Case) -> set[str]:
    """The states a case concerns: of its records, recipients and established origins."""
    states = {i.country for i in repository.items_of(session, case.id) if i.country}
    for request in repository.requests_of(session, case.id):
        states.add(request.recipient_country)
        if request.origin_state:
            states.add(request.origin_state)
    return states


def traced_weapons(
    *, session: Session, scope: ReadScope, date_from: date | None, date_to: date | None
) -> int:
    """The weapons whose illicit origin a trace established (SDG 16.4.2's numerator),
    among the records the caller may read, by the traced record's date."""
    return repository.traced_weapons(session, scope=scope, date_from=date_from, date_to=date_to)


def trace_outcomes(
    *, session: Session, scope: ReadScope, date_from: date | None, date_to: date | None
) -> list[TraceOutcomeCount]:
    """Answered trace requests counted by outcome and kind of origin (every answer, not
    only established origins), among the records the caller may read."""
    return [
        TraceOutcomeCount(
            result=row.result,
            kind=row.kind,
            requests=int(row.requests),
            weapons=int(row.weapons),
        )
        for row in repository.trace_outcomes(
            session, scope=scope, date_from=date_from, date_to=date_to
        )
    ]
