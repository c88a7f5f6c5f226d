"""Drafts of declarations: their problems now, and approval declaring them.

The workflow (statuses, who may do what) is :mod:`services.common.drafts.workflow`;
this module adds what is the declarations service's: a draft's problems are the
declaration POST's checks short of the mission (the registry is asked at approval),
and an approved draft is declared through the normal intake path, in the same
transaction, logged then and only then. A draft never touches the log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from pydantic import ValidationError
from sqlmodel import Session

from services.common.drafts import workflow
from services.common.drafts.schemas import DraftRead
from services.common.drafts.tables import DraftState
from services.common.drafts.workflow import DraftKind
from services.common.errors import (
    AppError,
    Conflict,
    FieldProblem,
    ValidationFailed,
    format_loc,
)
from services.common.security import Principal
from services.declarations.declarations import service as declarations
from services.declarations.declarations.checks import check_document
from services.declarations.declarations.schemas import DeclarationDocument
from services.declarations.log.service import LogContext
from services.declarations.models import declaration_drafts

DECLARATION_DRAFTS: Final = DraftKind(tables=declaration_drafts, record="declaration")


def read_document(body: dict[str, Any]) -> DeclarationDocument:
    """The draft's body as a declaration document; 422 naming every type problem."""
    try:
        return DeclarationDocument.model_validate(body)
    except ValidationError as exc:
        raise ValidationFailed(
            [
                FieldProblem(loc=format_loc(e["loc"]), msg=e["msg"], type=e["type"])
                for e in exc.errors(include_url=False)
            ],
            detail="The draft is not a valid declaration; nothing was stored",
        ) from exc


def _errors_of(error: AppError) -> list[FieldProblem]:
    return [FieldProblem(**e) for e in error.extra.get("errors", [])]


def problems_of(
    *, session: Session, principal: Principal, body: dict[str, Any], today: datetime
) -> list[FieldProblem]:
    """What ``POST /declarations`` would refuse in ``body`` now, except an unknown mission
    (the registry is asked at approval); nothing is stored or logged."""
    try:
        document = read_document(body)
    except ValidationFailed as refused:
        return _errors_of(refused)
    problems: list[FieldProblem] = []
    if principal.country is not None and document.declaring_country != principal.country:
        problems.append(
            FieldProblem(
                loc="declaring_country",
                msg=f"a member state declares only its own country ({principal.country})",
            )
        )
    try:
        check_document(session, document=document, today=today.date(), mission_known=None)
    except (ValidationFailed, Conflict) as refused:
        problems += _errors_of(refused)
    return problems


def read(session: Session, *, principal: Principal, draft: DraftState, now: datetime) -> DraftRead:
    """The API's view of a draft, with its problems now (none once it is closed)."""
    problems: list[FieldProblem] = []
    if draft.status in workflow.OPEN:
        problems = problems_of(session=session, principal=principal, body=draft.body, today=now)
    return workflow.draft_read(session, DECLARATION_DRAFTS, draft, problems)


def approve(
    session: Session,
    *,
    principal: Principal,
    draft: DraftState,
    document: DeclarationDocument,
    mission_known: bool | None,
    now: datetime,
    log_context: LogContext,
    retention_years: int,
) -> DraftState:
    """Declare ``document`` (the checked draft) through the normal intake path, which
    logs it, and mark the draft submitted, naming the declaration; one transaction."""
    created = declarations.create_declaration(
        session,
        principal=principal,
        document=document,
        mission_known=mission_known,
        now=now,
        log_context=log_context,
        retention_years=retention_years,
    )
    return workflow.mark_approved(
        session, DECLARATION_DRAFTS, principal=principal, draft=draft, record_id=created.id, now=now
    )
