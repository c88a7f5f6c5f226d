"""Rules on trace requests: prepared from a case, sent, acknowledged, answered.

Status moves forward only: draft → sent → acknowledged → answered (an answer may also
come straight after sending). Every change appends an event naming its actor. A request
is overdue when sent or acknowledged and still unanswered after its deadline (set when
sent: the given date, else ``reply_days`` after the day it was sent).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from services.common.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from services.common.pagination import PageParams
from services.common.security import Principal
from services.registry import notifications
from services.registry.cases import repository
from services.registry.cases.schemas import (
    TraceAnswer,
    TraceOutcome,
    TraceRequestCreate,
    TraceRequestSend,
)
from services.registry.cases.service import get_case, owned_case
from services.registry.models import Case, CaseItem, TraceRequest, TraceRequestEvent

UNANSWERED = ("sent", "acknowledged")


@dataclass
class RequestView:
    """A trace request, its case and history, and whether it is overdue now."""

    request: TraceRequest
    case: Case
    item: CaseItem | None
    events: list[TraceRequestEvent]
    overdue: bool


def is_overdue(request: TraceRequest, now: datetime) -> bool:
    """Sent or acknowledged, and today is past its deadline."""
    return (
        request.status in UNANSWERED
        and request.deadline is not None
        and now.date() > request.deadline
    )


def _event(principal: Principal, request_id: str, **fields: Any) -> TraceRequestEvent:
    return TraceRequestEvent(
        trace_request_id=request_id,
        actor=principal.client_id,
        actor_type=principal.subject_type,
        actor_org=principal.org,
        **fields,
    )


def prepare(
    *,
    session: Session,
    principal: Principal,
    case_id: str,
    payload: TraceRequestCreate,
    default_reply_days: int,
    now: datetime,
) -> RequestView:
    """A draft trace request for one weapon of the caller's case; the ITI paragraph 17
    fields it leaves out are taken from the case item. 422 names every problem."""
    case = owned_case(session=session, principal=principal, case_id=case_id)
    item = repository.case_item(session, case_id=case.id, item_id=payload.case_item_id)
    problems: list[FieldProblem] = []
    if item is None:
        problems.append(FieldProblem(loc="case_item_id", msg="not an item of this case"))
    elif item.item_kind != "weapon":
        problems.append(
            FieldProblem(
                loc="case_item_id",
                msg=f"a trace request is for a weapon; this item is {item.kind} ({item.item_kind})",
            )
        )
    marking = payload.marking or (item and (item.markings or item.serial_number))
    if not marking and not problems:
        problems.append(FieldProblem(loc="marking", msg="required: the item records none"))
    if problems:
        raise ValidationFailed(problems)
    assert item is not None
    assert item.id is not None
    assert marking
    request = TraceRequest(
        id=str(uuid.uuid4()),
        case_id=case.id,
        case_item_id=item.id,
        recipient_country=payload.recipient_country,
        recipient_role=payload.recipient_role,
        language=payload.language,
        marking=marking,
        weapon_type=payload.weapon_type or item.category,
        calibre=payload.calibre or item.calibre,
        manufacturer=payload.manufacturer or item.manufacturer,
        model=payload.model or item.model,
        recovery_context=payload.recovery_context,
        request_text=payload.request_text,
        reply_days=payload.reply_days or default_reply_days,
        record_country=item.country,
        record_date=item.record_date,
        created_by=principal.client_id,
        created_by_type=principal.subject_type,
        created_by_org=principal.org,
        created_at=now,
    )
    repository.add(session, request)
    session.add(_event(principal, request.id, to_status="draft", at=now))
    session.flush()
    return view(session=session, principal=principal, request_id=request.id, now=now)


def view(*, session: Session, principal: Principal, request_id: str, now: datetime) -> RequestView:
    """A trace request whose case the caller reads; 404 otherwise."""
    request = repository.get_trace_request(session, request_id)
    if request is None:
        raise NotFound("No such trace request", code="trace_request_not_found")
    try:
        case = get_case(session=session, principal=principal, case_id=request.case_id)
    except NotFound:
        raise NotFound("No such trace request", code="trace_request_not_found") from None
    session.refresh(request)
    return RequestView(
        request=request,
        case=case,
        item=repository.case_item(session, case_id=case.id, item_id=request.case_item_id),
        events=repository.events_of(session, request.id),
        overdue=is_overdue(request, now),
    )


def _owned(session: Session, principal: Principal, request_id: str, now: datetime) -> RequestView:
    current = view(session=session, principal=principal, request_id=request_id, now=now)
    owned_case(session=session, principal=principal, case_id=current.case.id)
    return current


def _move(
    session: Session,
    principal: Principal,
    current: TraceRequest,
    *,
    owner: str,
    allowed_from: tuple[str, ...],
    to_status: str,
    note: str | None,
    now: datetime,
    values: dict[str, Any] | None = None,
) -> None:
    moved = current.status in allowed_from and repository.transition(
        session,
        request_id=current.id,
        from_status=current.status,
        to_status=to_status,
        values=values or {},
        event=_event(
            principal,
            current.id,
            from_status=current.status,
            to_status=to_status,
            note=note,
            at=now,
        ),
    )
    if not moved:
        raise Conflict(
            f"A trace request that is {current.status} cannot become {to_status}",
            code="invalid_transition",
        )
    _announce(session, current, owner=owner, to_status=to_status, now=now)


def _announce(
    session: Session, request: TraceRequest, *, owner: str, to_status: str, now: datetime
) -> None:
    """``trace_request.updated`` to the organisations that read the request's case: its
    owner (read with the request) and the states it is shared with."""
    shared = [share.organisation for share in repository.shares_of(session, request.case_id)]
    notifications.emit_trace_request_updated(
        session,
        request={
            "id": request.id,
            "case_id": request.case_id,
            "status": to_status,
            "recipient_country": request.recipient_country,
            "recipient_role": request.recipient_role,
            "deadline": request.deadline.isoformat() if request.deadline else None,
            "at": now.isoformat(),
        },
        organisations=[owner, *shared],
    )


def send(
    *,
    session: Session,
    principal: Principal,
    request_id: str,
    payload: TraceRequestSend,
    now: datetime,
) -> RequestView:
    """draft → sent; the deadline is the one given (not before today) or ``reply_days``
    after today. 409 from any other status."""
    found = _owned(session, principal, request_id, now)
    current = found.request
    deadline = payload.deadline or now.date() + timedelta(days=current.reply_days)
    if deadline < now.date():
        raise ValidationFailed([FieldProblem(loc="deadline", msg="is in the past")])
    _move(
        session,
        principal,
        current,
        owner=found.case.owner_org,
        allowed_from=("draft",),
        to_status="sent",
        note=payload.note,
        now=now,
        values={"sent_at": now, "deadline": deadline},
    )
    return view(session=session, principal=principal, request_id=request_id, now=now)


def acknowledge(
    *, session: Session, principal: Principal, request_id: str, note: str | None, now: datetime
) -> RequestView:
    """sent → acknowledged (the recipient state confirmed receipt); 409 otherwise."""
    found = _owned(session, principal, request_id, now)
    current = found.request
    _move(
        session,
        principal,
        current,
        owner=found.case.owner_org,
        allowed_from=("sent",),
        to_status="acknowledged",
        note=note,
        now=now,
    )
    return view(session=session, principal=principal, request_id=request_id, now=now)


def answer(
    *,
    session: Session,
    principal: Principal,
    request_id: str,
    payload: TraceAnswer,
    max_file_bytes: int,
    now: datetime,
) -> RequestView:
    """sent or acknowledged → answered, with the answer's text, file and outcome. 422
    names every problem of the outcome and the file; 409 from another status."""
    found = _owned(session, principal, request_id, now)
    current = found.request
    problems = _outcome_problems(payload.outcome)
    content: bytes | None = None
    if payload.attachment is not None:
        try:
            content = base64.b64decode(payload.attachment.content_base64, validate=True)
        except (binascii.Error, ValueError):
            problems.append(
                FieldProblem(loc="attachment.content_base64", msg="is not valid base64")
            )
        if content is not None and len(content) > max_file_bytes:
            problems.append(
                FieldProblem(
                    loc="attachment.content_base64",
                    msg=f"the file has {len(content)} bytes; at most {max_file_bytes} are kept",
                )
            )
    if problems:
        raise ValidationFailed(problems)
    outcome = payload.outcome
    established = outcome.result == "origin_established"
    attachment = payload.attachment
    _move(
        session,
        principal,
        current,
        owner=found.case.owner_org,
        allowed_from=UNANSWERED,
        to_status="answered",
        note=None,
        now=now,
        values={
            "answer_text": payload.text,
            "answer_file": content,
            "answer_file_name": attachment.filename if attachment else None,
            "answer_file_type": attachment.media_type if attachment else None,
            "outcome": outcome.result,
            "origin_kind": outcome.kind if established else None,
            "origin_state": outcome.state,
            "origin_recipient": outcome.recipient,
        },
    )
    return view(session=session, principal=principal, request_id=request_id, now=now)


_ORIGIN_NEEDS = {
    "contingent_owned_equipment": ("state",),
    "national_stockpile": ("state",),
    "legal_transfer": ("recipient",),
    "manufactured_for_embargoed_party": ("recipient",),
}


def _outcome_problems(outcome: TraceOutcome) -> list[FieldProblem]:
    if outcome.result == "not_established":
        return [
            FieldProblem(loc=f"outcome.{name}", msg="only an established origin has one")
            for name in ("kind", "state", "recipient")
            if getattr(outcome, name) is not None
        ]
    if outcome.kind is None:
        return [FieldProblem(loc="outcome.kind", msg="required when the origin is established")]
    return [
        FieldProblem(loc=f"outcome.{name}", msg=f"required for {outcome.kind}")
        for name in _ORIGIN_NEEDS[outcome.kind]
        if getattr(outcome, name) is None
    ]


def list_requests(
    *,
    session: Session,
    principal: Principal,
    params: PageParams,
    status: str | None,
    overdue: bool | None,
    now: datetime,
) -> tuple[list[TraceRequest], str | None]:
    """A page of the trace requests of the cases the caller's organisation reads."""
    return repository.list_requests(
        session,
        organisation=principal.org,
        params=params,
        status=status,
        overdue_on=None if overdue is None else now.date(),
        overdue=bool(overdue),
    )


def answer_file(
    *, session: Session, principal: Principal, request_id: str, now: datetime
) -> tuple[bytes, str, str]:
    """The answer's file: (content, name, media type); 404 when there is none."""
    request = view(session=session, principal=principal, request_id=request_id, now=now).request
    if request.answer_file is None:
        raise NotFound("The answer has no file", code="answer_file_not_found")
    return (
        request.answer_file,
        request.answer_file_name or "answer",
        request.answer_file_type or "application/octet-stream",
    )
