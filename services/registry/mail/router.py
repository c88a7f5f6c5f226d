"""``/registry/v1/notification-preferences`` (the signed-in person's own) and
``/registry/v1/mail-outbox`` (the operator: what was sent, or kept without SMTP)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from services.common.database import SessionDep
from services.common.errors import problem_responses
from services.common.pagination import Page, PageParamsDep
from services.common.scopes import Scope
from services.common.security import PrincipalDep, require_scope
from services.common.tables import utcnow
from services.registry.mail import service
from services.registry.mail.schemas import MailMessageRead, PreferencesRead, PreferencesUpdate

router = APIRouter(tags=["email"])


@router.get(
    "/notification-preferences",
    summary="Your email preferences (a signed-in person)",
    responses=problem_responses(403),
)
def get_preferences(session: SessionDep, principal: PrincipalDep) -> PreferencesRead:
    """Per event type, `immediate`, `daily` (one digest a day) or `never`, and the
    language of your email. What you have not chosen follows your role: admins and analysts
    are told of a new alert at once, editors and readers in the daily digest. 403 for an API
    client: preferences belong to people."""
    events, language = service.preferences(session=session, principal=principal)
    return PreferencesRead(events=events, language=language)


@router.put(
    "/notification-preferences",
    summary="Choose your email preferences (a signed-in person)",
    responses=problem_responses(403, 422),
)
def put_preferences(
    data: PreferencesUpdate, session: SessionDep, principal: PrincipalDep
) -> PreferencesRead:
    """Event types left out keep their current mode; `language` null follows your
    account. You are never emailed about what your organisation and role could not read."""
    events, language = service.save_preferences(
        session=session,
        principal=principal,
        events={str(k): v for k, v in data.events.items()},
        language=data.language,
        now=utcnow(),
    )
    return PreferencesRead(events=events, language=language)


@router.get(
    "/mail-outbox",
    summary="The mail outbox (the operator)",
    responses=problem_responses(400, 403),
    dependencies=[Depends(require_scope(Scope.ADMIN))],
)
def mail_outbox(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageParamsDep,
    status: Annotated[
        Literal["kept", "pending", "sending", "sent", "failed"] | None,
        Query(description="Only messages in this state."),
    ] = None,
) -> Page[MailMessageRead]:
    """Every email the registry wrote, newest first. With no SMTP host configured
    (`REGISTRY_SMTP_HOST`), messages stay here as `kept` and nothing fails; the operator
    reads them here. The bodies carry register data: they are shown only to an operator
    token that also holds `register:read`."""
    rows, cursor = service.outbox(session=session, params=page, status=status)
    items = [MailMessageRead.model_validate(r, from_attributes=True) for r in rows]
    if not principal.has_scope(Scope.REGISTER_READ):
        items = [m.model_copy(update={"text_body": None, "html_body": None}) for m in items]
    return Page(items=items, next_cursor=cursor)
