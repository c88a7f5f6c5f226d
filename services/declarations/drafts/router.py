"""``/declarations/v1/declaration-drafts``: save a declaration as a draft, submit it for
approval, and approve it (declared and logged then) or return it with a comment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from services.common.database import SessionDep
from services.common.drafts import workflow
from services.common.drafts.schemas import (
    DraftRead,
    DraftReturn,
    DraftStatus,
    DraftSummary,
    DraftWrite,
    draft_summary,
)
from services.common.drafts.tables import DraftState
from services.common.errors import problem_responses
from services.common.idempotency import IdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.security import Principal, PrincipalDep, require_own_country
from services.declarations.declarations.schemas import DeclarationDocument
from services.declarations.deps import LogDep, MissionsDep, NowDep, SettingsDep, WriterDep
from services.declarations.drafts import service
from services.declarations.drafts.service import DECLARATION_DRAFTS
from services.declarations.log.transaction import commit_log_write

router = APIRouter(prefix="/declaration-drafts", tags=["declaration drafts"])
DraftId = Annotated[str, Path(max_length=36)]
IfMatch = Annotated[
    str | None, Header(max_length=1024, description="The draft's ETag as you read it")
]
CHANGE_PROBLEMS = problem_responses(403, 404, 409, 412, 422)


def _headers(draft: DraftState) -> dict[str, str]:
    return {
        "ETag": workflow.etag_of(draft),
        "Location": f"/declarations/v1/declaration-drafts/{draft.id}",
    }


def _answer(
    session: SessionDep, principal: Principal, draft: DraftState, response: Response, now: NowDep
) -> DraftRead:
    response.headers["ETag"] = workflow.etag_of(draft)
    return service.read(session, principal=principal, draft=draft, now=now)


@router.post(
    "",
    status_code=201,
    response_model=DraftRead,
    responses=problem_responses(403, 413, 422),
    summary="Save a declaration as a draft (complete or not)",
)
def create_declaration_draft(
    write: DraftWrite,
    principal: WriterDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
    now: NowDep,
) -> Response:
    """An editor or admin of a member state (``declarations:write``) saves ``body``, the
    declaration as ``POST /declarations`` takes it, possibly incomplete or invalid. The
    answer lists its ``problems`` now: every problem the declaration POST would report
    except an unknown mission (the registry is asked at approval). A draft is never
    logged, indexed, counted or visible outside its organisation."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    draft = workflow.create_draft(
        session, DECLARATION_DRAFTS, principal=principal, write=write, now=now
    )
    body = service.read(session, principal=principal, draft=draft, now=now)
    return idempotency.respond(body, status_code=201, headers=_headers(draft))


@router.get("", response_model=Page[DraftSummary], responses=problem_responses(400))
def list_declaration_drafts(
    principal: PrincipalDep,
    session: SessionDep,
    page: PageParamsDep,
    status: Annotated[list[DraftStatus] | None, Query()] = None,
) -> Page[DraftSummary]:
    """The caller's organisation's drafts, oldest first (``?status=`` repeatable)."""
    rows, cursor = workflow.list_drafts(
        session, DECLARATION_DRAFTS, principal=principal, statuses=status, params=page
    )
    return Page(items=[draft_summary(row) for row in rows], next_cursor=cursor)


@router.get("/{draft_id}", response_model=DraftRead, responses=problem_responses(404))
def get_declaration_draft(
    draft_id: DraftId,
    principal: PrincipalDep,
    session: SessionDep,
    response: Response,
    now: NowDep,
) -> DraftRead:
    """One draft of the caller's organisation, its problems now and its history (404 for
    anyone else, secretariats included: drafts are a state's own work)."""
    draft = workflow.get_draft(session, DECLARATION_DRAFTS, principal=principal, draft_id=draft_id)
    return _answer(session, principal, draft, response, now)


@router.put(
    "/{draft_id}",
    response_model=DraftRead,
    responses=problem_responses(403, 404, 409, 412, 413, 422, 428),
)
def save_declaration_draft(
    draft_id: DraftId,
    write: DraftWrite,
    principal: WriterDep,
    session: SessionDep,
    response: Response,
    now: NowDep,
    if_match: IfMatch = None,
) -> DraftRead:
    """Save changes to a draft (status ``draft`` or ``returned``). ``If-Match`` with the
    ETag you read is required: 412 if someone saved in between, 428 without it."""
    draft = workflow.save_draft(
        session,
        DECLARATION_DRAFTS,
        principal=principal,
        draft_id=draft_id,
        write=write,
        if_match=if_match,
        now=now,
    )
    return _answer(session, principal, draft, response, now)


@router.post("/{draft_id}/submit", response_model=DraftRead, responses=CHANGE_PROBLEMS)
def submit_declaration_draft(
    draft_id: DraftId,
    principal: WriterDep,
    session: SessionDep,
    response: Response,
    now: NowDep,
    if_match: IfMatch = None,
) -> DraftRead:
    """Send the draft for approval by an admin of the organisation (``awaiting_approval``)."""
    draft = workflow.submit_draft(
        session,
        DECLARATION_DRAFTS,
        principal=principal,
        draft_id=draft_id,
        if_match=if_match,
        now=now,
    )
    return _answer(session, principal, draft, response, now)


@router.post("/{draft_id}/return", response_model=DraftRead, responses=CHANGE_PROBLEMS)
def return_declaration_draft(
    draft_id: DraftId,
    body: DraftReturn,
    principal: WriterDep,
    session: SessionDep,
    response: Response,
    now: NowDep,
    if_match: IfMatch = None,
) -> DraftRead:
    """An admin of the organisation (a person) sends the draft back with a comment
    (``returned``); its editors change it and submit it again."""
    draft = workflow.return_draft(
        session,
        DECLARATION_DRAFTS,
        principal=principal,
        draft_id=draft_id,
        comment=body.comment,
        if_match=if_match,
        now=now,
    )
    return _answer(session, principal, draft, response, now)


@router.post(
    "/{draft_id}/approve",
    response_model=DraftRead,
    responses=problem_responses(403, 404, 409, 412, 422, 503),
)
async def approve_declaration_draft(
    draft_id: DraftId,
    principal: WriterDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
    missions: MissionsDep,
    now: NowDep,
    log: LogDep,
    settings: SettingsDep,
    if_match: IfMatch = None,
) -> Response:
    """An admin of the organisation (a person; the draft's own author may be that admin)
    approves the draft: it is declared through ``POST /declarations``'s path, in the same
    transaction, and logged then (a draft never is); the draft, now ``submitted``, names
    the declaration in ``record_id``. If the declaration is refused, the 422 names every
    problem and the draft stays ``awaiting_approval``. ``Idempotency-Key`` makes a retry
    safe."""
    replayed = await run_in_threadpool(idempotency.replay)
    if replayed is not None:
        return replayed

    def check() -> tuple[DraftState, DeclarationDocument]:
        draft = workflow.draft_to_approve(
            session, DECLARATION_DRAFTS, principal=principal, draft_id=draft_id, if_match=if_match
        )
        return draft, service.read_document(draft.body)

    draft, document = await run_in_threadpool(check)
    require_own_country(principal, document.declaring_country)
    known = await missions.knows(document.mission, principal.token)

    def approve() -> Response:
        approved = service.approve(
            session,
            principal=principal,
            draft=draft,
            document=document,
            mission_known=known,
            now=now,
            log_context=log,
            retention_years=settings.retention_years,
        )
        body = service.read(session, principal=principal, draft=approved, now=now)
        return idempotency.respond(body, status_code=200, headers=_headers(approved))

    return await commit_log_write(session, approve)


@router.delete("/{draft_id}", response_model=DraftRead, responses=CHANGE_PROBLEMS)
def withdraw_declaration_draft(
    draft_id: DraftId,
    principal: WriterDep,
    session: SessionDep,
    response: Response,
    now: NowDep,
    if_match: IfMatch = None,
) -> DraftRead:
    """Withdraw a draft that is not yet submitted: it is kept, with its history, as
    ``withdrawn``."""
    draft = workflow.withdraw_draft(
        session,
        DECLARATION_DRAFTS,
        principal=principal,
        draft_id=draft_id,
        if_match=if_match,
        now=now,
    )
    return _answer(session, principal, draft, response, now)
