"""Tracing cases and the trace requests sent from them."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import Response

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.replica import ReadSessionDep
from services.common.security import PrincipalDep, ReadScopeDep
from services.registry.cases import pdf, service, trace_requests
from services.registry.cases.schemas import (
    CaseCreate,
    CaseDetail,
    CaseItemCreate,
    CaseItemRead,
    CaseRead,
    CaseShareCreate,
    CaseShareRead,
    TraceAnswer,
    TraceOutcome,
    TraceRequestCreate,
    TraceRequestDetail,
    TraceRequestEventRead,
    TraceRequestNote,
    TraceRequestRead,
    TraceRequestSend,
    TraceStatus,
)
from services.registry.deps import NowDep, SettingsDep
from services.registry.models import TraceRequest

router = APIRouter(tags=["cases"])


def _request_read(request: TraceRequest, *, overdue: bool) -> TraceRequestRead:
    outcome = None
    if request.outcome is not None:
        outcome = TraceOutcome.model_validate(
            {
                "result": request.outcome,
                "kind": request.origin_kind,
                "state": request.origin_state,
                "recipient": request.origin_recipient,
            }
        )
    return TraceRequestRead(
        **{
            name: getattr(request, name)
            for name in TraceRequestRead.model_fields
            if name not in ("overdue", "outcome", "answer_file", "answer_file_type")
        },
        overdue=overdue,
        outcome=outcome,
        answer_file=request.answer_file_name,
        answer_file_type=request.answer_file_type,
    )


def _case_detail(found: service.CaseView, now: datetime) -> CaseDetail:
    return CaseDetail(
        **CaseRead.model_validate(found.case).model_dump(),
        items=[CaseItemRead.model_validate(i) for i in found.items],
        shares=[CaseShareRead.model_validate(s) for s in found.shares],
        trace_requests=[
            _request_read(r, overdue=trace_requests.is_overdue(r, now)) for r in found.requests
        ],
    )


def _request_detail(found: trace_requests.RequestView) -> TraceRequestDetail:
    return TraceRequestDetail(
        **_request_read(found.request, overdue=found.overdue).model_dump(),
        events=[TraceRequestEventRead.model_validate(e) for e in found.events],
    )


@router.post(
    "/cases", status_code=201, response_model=CaseDetail, responses=problem_responses(403, 422)
)
def open_case(
    payload: CaseCreate,
    principal: PrincipalDep,
    scope: ReadScopeDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
    now: NowDep,
) -> Response:
    """Open a tracing case owned by the caller's organisation (a secretariat's analysts
    and admins, a state's editors and admins). ``from_alert``: an alert the caller sees
    becomes its first record (422 otherwise)."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    found = service.open_case(session=session, principal=principal, scope=scope, payload=payload)
    return idempotency.respond(
        _case_detail(found, now), headers={"Location": f"/registry/v1/cases/{found.case.id}"}
    )


@router.get("/cases", response_model=Page[CaseRead], responses=problem_responses(403))
def list_cases(
    principal: PrincipalDep, scope: ReadScopeDep, session: ReadSessionDep, page: PageParamsDep
) -> Page[CaseRead]:
    """Cases the caller's organisation owns or was shared, oldest first."""
    found, cursor = service.list_cases(session=session, principal=principal, params=page)
    return Page(items=[CaseRead.model_validate(c) for c in found], next_cursor=cursor)


@router.get("/cases/{case_id}", response_model=CaseDetail, responses=problem_responses(403, 404))
def get_case(
    case_id: str, principal: PrincipalDep, scope: ReadScopeDep, session: SessionDep, now: NowDep
) -> CaseDetail:
    """One case with its records, shares and trace requests (404 unless the caller's
    organisation owns it or was shared it)."""
    case = service.get_case(session=session, principal=principal, case_id=case_id)
    return _case_detail(service.view(session, case), now)


@router.post(
    "/cases/{case_id}/items",
    status_code=201,
    response_model=CaseItemRead,
    responses=problem_responses(403, 404, 422),
)
def add_case_item(
    case_id: str,
    payload: CaseItemCreate,
    principal: PrincipalDep,
    scope: ReadScopeDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Add a record the caller may read: a manifest item (``manifest_id``, ``line``), a
    declared item (``declaration_id``, ``item_index``), a weapon as a trace showed it, or
    an alert. What it says now is copied into the case."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    item = service.add_item(
        session=session, principal=principal, scope=scope, case_id=case_id, payload=payload
    )
    return idempotency.respond(CaseItemRead.model_validate(item))


@router.post(
    "/cases/{case_id}/shares",
    status_code=201,
    response_model=CaseShareRead,
    responses=problem_responses(403, 404, 409, 422),
)
def share_case(
    case_id: str,
    payload: CaseShareCreate,
    principal: PrincipalDep,
    scope: ReadScopeDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Share a secretariat's case with a state it concerns (a state of one of its records,
    a request's recipient or an established origin); that state then reads it."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    shared = service.share(
        session=session, principal=principal, case_id=case_id, organisation=payload.organisation
    )
    return idempotency.respond(CaseShareRead.model_validate(shared))


@router.post(
    "/cases/{case_id}/trace-requests",
    status_code=201,
    response_model=TraceRequestDetail,
    responses=problem_responses(403, 404, 422),
)
def prepare_trace_request(
    case_id: str,
    payload: TraceRequestCreate,
    principal: PrincipalDep,
    scope: ReadScopeDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    idempotency: IdempotencyDep,
) -> Response:
    """Prepare a trace request (a draft) to a state for one weapon of the case, with the
    fields of the International Tracing Instrument's paragraph 17; those left out are
    taken from the case item."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    found = trace_requests.prepare(
        session=session,
        principal=principal,
        case_id=case_id,
        payload=payload,
        default_reply_days=settings.trace_reply_days,
        now=now,
    )
    return idempotency.respond(
        _request_detail(found),
        headers={"Location": f"/registry/v1/trace-requests/{found.request.id}"},
    )


@router.get(
    "/trace-requests", response_model=Page[TraceRequestRead], responses=problem_responses(403)
)
def list_trace_requests(
    principal: PrincipalDep,
    scope: ReadScopeDep,
    session: ReadSessionDep,
    page: PageParamsDep,
    now: NowDep,
    status: TraceStatus | None = None,
    overdue: bool | None = None,
) -> Page[TraceRequestRead]:
    """Trace requests of the cases the caller's organisation owns or was shared, oldest
    first; ``status`` and ``overdue`` filter them (overdue: sent or acknowledged, past
    the deadline)."""
    found, cursor = trace_requests.list_requests(
        session=session, principal=principal, params=page, status=status, overdue=overdue, now=now
    )
    return Page(
        items=[_request_read(r, overdue=trace_requests.is_overdue(r, now)) for r in found],
        next_cursor=cursor,
    )


@router.get(
    "/trace-requests/{request_id}",
    response_model=TraceRequestDetail,
    responses=problem_responses(403, 404),
)
def get_trace_request(
    request_id: str, principal: PrincipalDep, scope: ReadScopeDep, session: SessionDep, now: NowDep
) -> TraceRequestDetail:
    """A trace request with its history (404 unless the caller reads its case)."""
    found = trace_requests.view(
        session=session, principal=principal, request_id=request_id, now=now
    )
    return _request_detail(found)


@router.post(
    "/trace-requests/{request_id}/send",
    response_model=TraceRequestDetail,
    responses=problem_responses(403, 404, 409, 422),
)
def send_trace_request(
    request_id: str,
    payload: TraceRequestSend,
    principal: PrincipalDep,
    scope: ReadScopeDep,
    session: SessionDep,
    now: NowDep,
) -> TraceRequestDetail:
    """draft → sent. The answer is due on ``deadline``, else ``reply_days`` after today."""
    found = trace_requests.send(
        session=session, principal=principal, request_id=request_id, payload=payload, now=now
    )
    return _request_detail(found)


@router.post(
    "/trace-requests/{request_id}/acknowledge",
    response_model=TraceRequestDetail,
    responses=problem_responses(403, 404, 409),
)
def acknowledge_trace_request(
    request_id: str,
    payload: TraceRequestNote,
    principal: PrincipalDep,
    scope: ReadScopeDep,
    session: SessionDep,
    now: NowDep,
) -> TraceRequestDetail:
    """sent → acknowledged: the recipient state confirmed receipt."""
    found = trace_requests.acknowledge(
        session=session, principal=principal, request_id=request_id, note=payload.note, now=now
    )
    return _request_detail(found)


@router.post(
    "/trace-requests/{request_id}/answer",
    response_model=TraceRequestDetail,
    responses=problem_responses(403, 404, 409, 413, 422),
)
def answer_trace_request(
    request_id: str,
    payload: TraceAnswer,
    principal: PrincipalDep,
    scope: ReadScopeDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> TraceRequestDetail:
    """sent or acknowledged → answered: the answer's text, an optional file (base64, at
    most ``REGISTRY_TRACE_ANSWER_MAX_BYTES``) and what it established."""
    found = trace_requests.answer(
        session=session,
        principal=principal,
        request_id=request_id,
        payload=payload,
        max_file_bytes=settings.trace_answer_max_bytes,
        now=now,
    )
    return _request_detail(found)


@router.get(
    "/trace-requests/{request_id}/answer-file",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}, **problem_responses(403, 404)},
)
def get_answer_file(
    request_id: str, principal: PrincipalDep, scope: ReadScopeDep, session: SessionDep, now: NowDep
) -> Response:
    """The file attached to the answer, as received, as a download
    (``application/octet-stream``; the type its sender declared is ``answer_file_type``)."""
    content, name, media_type = trace_requests.answer_file(
        session=session, principal=principal, request_id=request_id, now=now
    )
    # Always a download of opaque bytes, whatever type the sender declared: a file a state
    # sent must not run as a page of this origin (text/html, image/svg+xml ...).
    return Response(
        content,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{_ascii(name)}"',
            "X-Content-Type-Options": "nosniff",
            "X-Declared-Content-Type": _ascii(media_type),
        },
    )


@router.get(
    "/trace-requests/{request_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **problem_responses(403, 404)},
)
def get_trace_request_pdf(
    request_id: str,
    principal: PrincipalDep,
    scope: ReadScopeDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """The trace request as a PDF in its language, with the ITI paragraph 17 fields and,
    for a declared item, its entry in the declarations transparency log: the inclusion
    proof (leaf index, tree size, audit path) and the signed checkpoint the index checked,
    printed and attached as ``log-proof.json``, so a reader verifies it offline. A record
    indexed before proofs were kept is cited by its log addresses instead."""
    found = trace_requests.view(
        session=session, principal=principal, request_id=request_id, now=now
    )
    document = pdf.render(
        request=found.request,
        case=found.case,
        item=found.item,
        context=pdf.PdfContext(
            printed_at=now,
            declarations_url=settings.declarations_public_url,
            log_key=settings.declarations_log_key,
        ),
    )
    return Response(
        document,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="trace-request-{request_id}.pdf"'},
    )


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
