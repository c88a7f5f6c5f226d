"""``/registry/v1/manifest-drafts``: save a manifest as a draft, submit it for approval,
and approve it (the manifest is created) or return it with a comment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Header, Path, Query, Request, UploadFile
from fastapi.responses import Response
from sqlmodel import Session

from services.common.database import SessionDep, run_write_session
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
from services.common.idempotency import IdempotencyDep, PendingIdempotencyDep
from services.common.pagination import Page, PageParamsDep
from services.common.security import Principal, PrincipalDep
from services.common.tables import utcnow
from services.registry.deps import WriterDep
from services.registry.manifest_drafts import service
from services.registry.manifest_drafts.service import MANIFEST_DRAFTS
from services.registry.manifests.uploads import read_upload_as_body_in_worker

router = APIRouter(prefix="/manifest-drafts", tags=["manifest drafts"])
DraftId = Annotated[str, Path(max_length=36)]
IfMatch = Annotated[
    str | None, Header(max_length=1024, description="The draft's ETag as you read it")
]
CHANGE_PROBLEMS = problem_responses(403, 404, 409, 412, 422)


def _answer(
    session: SessionDep, principal: Principal, draft: DraftState, response: Response
) -> DraftRead:
    response.headers["ETag"] = workflow.etag_of(draft)
    return service.read(session, principal=principal, draft=draft)


def _location(draft: DraftState) -> dict[str, str]:
    return {
        "ETag": workflow.etag_of(draft),
        "Location": f"/registry/v1/manifest-drafts/{draft.id}",
    }


@router.post(
    "",
    status_code=201,
    response_model=DraftRead,
    responses=problem_responses(403, 413, 422),
    summary="Save a manifest as a draft (complete or not)",
)
def create_manifest_draft(
    write: DraftWrite, principal: WriterDep, session: SessionDep, idempotency: IdempotencyDep
) -> Response:
    """An editor or admin of a member state (``manifests:write``) saves ``body``, the
    manifest as ``POST /manifests`` takes it, possibly incomplete or invalid. The answer
    lists its ``problems`` now: every problem the manifest POST would report except the
    in/out balances, which depend on the register when the draft is approved and run
    then. Nothing but the draft is stored: a draft is never logged, indexed, counted in
    statistics or visible outside its organisation."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    draft = workflow.create_draft(
        session, MANIFEST_DRAFTS, principal=principal, write=write, now=utcnow()
    )
    body = service.read(session, principal=principal, draft=draft)
    return idempotency.respond(body, status_code=201, headers=_location(draft))


@router.post(
    "/import",
    status_code=201,
    response_model=DraftRead,
    responses=problem_responses(403, 413, 415, 422),
    summary="Save an uploaded CSV or XLSX manifest as a draft",
)
async def import_manifest_draft(
    request: Request,
    principal: WriterDep,
    pending: PendingIdempotencyDep,
    file: Annotated[UploadFile, File(description="CSV (UTF-8 or Latin-1, , or ;) or XLSX")],
    direction: Annotated[str | None, Form(max_length=8)] = None,
    mission: Annotated[str | None, Form(max_length=64)] = None,
    contributing_country: Annotated[str | None, Form(max_length=8)] = None,
    unit: Annotated[str | None, Form(max_length=255)] = None,
    crossing_date: Annotated[str | None, Form(max_length=32)] = None,
    crossing_point: Annotated[str | None, Form(max_length=255)] = None,
    reference: Annotated[str | None, Form(max_length=255)] = None,
    closes_rotation: Annotated[str | None, Form(max_length=8)] = None,
    rotation_end_date: Annotated[str | None, Form(max_length=32)] = None,
) -> Response:
    """The form and file of ``POST /manifests/import`` read by the same reader into the
    body ``POST /manifest-drafts`` takes (cells as written), saved as a draft titled with
    the file's name. The draft lists the body's problems (``items[17].serial_number`` is
    the file's 18th item); a file that cannot be read as a table is a 422 and over an
    import limit a 413, nothing stored. ``Idempotency-Key`` makes a retry safe."""
    form = {
        "direction": direction,
        "mission": mission,
        "contributing_country": contributing_country,
        "unit": unit,
        "crossing_date": crossing_date,
        "crossing_point": crossing_point,
        "reference": reference,
        "closes_rotation": closes_rotation,
        "rotation_end_date": rotation_end_date,
    }
    read = await read_upload_as_body_in_worker(
        request, form=form, file=file.file, filename=file.filename
    )
    title = (file.filename or "")[:200] or None
    write = DraftWrite(body=read["body"], title=title)

    def store(session: Session) -> Response:
        fingerprint = {"form": form, "file_sha256": read["file_sha256"]}
        idempotency = pending.bind(session, fingerprint=fingerprint)
        replayed = idempotency.replay()
        if replayed is not None:
            return replayed
        draft = workflow.create_draft(
            session, MANIFEST_DRAFTS, principal=principal, write=write, now=utcnow()
        )
        body = service.read(session, principal=principal, draft=draft)
        return idempotency.respond(body, status_code=201, headers=_location(draft))

    return await run_write_session(request, store)


@router.get("", response_model=Page[DraftSummary], responses=problem_responses(400))
def list_manifest_drafts(
    principal: PrincipalDep,
    session: SessionDep,
    page: PageParamsDep,
    status: Annotated[list[DraftStatus] | None, Query()] = None,
) -> Page[DraftSummary]:
    """The caller's organisation's drafts, oldest first (``?status=`` repeatable)."""
    rows, cursor = workflow.list_drafts(
        session, MANIFEST_DRAFTS, principal=principal, statuses=status, params=page
    )
    return Page(items=[draft_summary(row) for row in rows], next_cursor=cursor)


@router.get("/{draft_id}", response_model=DraftRead, responses=problem_responses(404))
def get_manifest_draft(
    draft_id: DraftId, principal: PrincipalDep, session: SessionDep, response: Response
) -> DraftRead:
    """One draft of the caller's organisation, its problems now and its history (404 for
    anyone else, secretariats included: drafts are a state's own work)."""
    draft = workflow.get_draft(session, MANIFEST_DRAFTS, principal=principal, draft_id=draft_id)
    return _answer(session, principal, draft, response)


@router.put(
    "/{draft_id}",
    response_model=DraftRead,
    responses=problem_responses(403, 404, 409, 412, 413, 422, 428),
)
def save_manifest_draft(
    draft_id: DraftId,
    write: DraftWrite,
    principal: WriterDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> DraftRead:
    """Save changes to a draft (status ``draft`` or ``returned``). ``If-Match`` with the
    ETag you read is required: 412 if someone saved in between, 428 without it."""
    draft = workflow.save_draft(
        session,
        MANIFEST_DRAFTS,
        principal=principal,
        draft_id=draft_id,
        write=write,
        if_match=if_match,
        now=utcnow(),
    )
    return _answer(session, principal, draft, response)


@router.post("/{draft_id}/submit", response_model=DraftRead, responses=CHANGE_PROBLEMS)
def submit_manifest_draft(
    draft_id: DraftId,
    principal: WriterDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> DraftRead:
    """Send the draft for approval by an admin of the organisation (``awaiting_approval``)."""
    draft = workflow.submit_draft(
        session,
        MANIFEST_DRAFTS,
        principal=principal,
        draft_id=draft_id,
        if_match=if_match,
        now=utcnow(),
    )
    return _answer(session, principal, draft, response)


@router.post("/{draft_id}/return", response_model=DraftRead, responses=CHANGE_PROBLEMS)
def return_manifest_draft(
    draft_id: DraftId,
    body: DraftReturn,
    principal: WriterDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> DraftRead:
    """An admin of the organisation (a person) sends the draft back with a comment
    (``returned``); its editors change it and submit it again."""
    draft = workflow.return_draft(
        session,
        MANIFEST_DRAFTS,
        principal=principal,
        draft_id=draft_id,
        comment=body.comment,
        if_match=if_match,
        now=utcnow(),
    )
    return _answer(session, principal, draft, response)


@router.post("/{draft_id}/approve", response_model=DraftRead, responses=CHANGE_PROBLEMS)
def approve_manifest_draft(
    draft_id: DraftId,
    principal: WriterDep,
    session: SessionDep,
    idempotency: IdempotencyDep,
    if_match: IfMatch = None,
) -> Response:
    """An admin of the organisation (a person; the draft's own author may be that admin)
    approves the draft: the manifest is created through ``POST /manifests``'s path, in
    the same transaction, and the draft, now ``submitted``, names it in ``record_id``. If
    the manifest is refused, the 422 names every problem and the draft stays
    ``awaiting_approval``. ``Idempotency-Key`` makes a retry safe."""
    replayed = idempotency.replay()
    if replayed is not None:
        return replayed
    draft = service.approve(
        session=session, principal=principal, draft_id=draft_id, if_match=if_match, now=utcnow()
    )
    body = service.read(session, principal=principal, draft=draft)
    return idempotency.respond(body, status_code=200, headers=_location(draft))


@router.delete("/{draft_id}", response_model=DraftRead, responses=CHANGE_PROBLEMS)
def withdraw_manifest_draft(
    draft_id: DraftId,
    principal: WriterDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> DraftRead:
    """Withdraw a draft that is not yet submitted: it is kept, with its history, as
    ``withdrawn``."""
    draft = workflow.withdraw_draft(
        session,
        MANIFEST_DRAFTS,
        principal=principal,
        draft_id=draft_id,
        if_match=if_match,
        now=utcnow(),
    )
    return _answer(session, principal, draft, response)
