"""Email preferences: per event type ``immediate``, ``daily`` (one digest a day) or
``never``, and a language; what a person has not chosen follows their role's defaults.

Defaults (README "Email notifications"): admins and analysts are told of a new alert at
once; editors and readers in the daily digest. Admins get ``webhook.disabled`` at once
and ``alert.updated``/``rotation.ending`` daily; editors ``alert.updated`` and
``rotation.ending`` daily. Everything else (a manifest accepted, a declaration ...):
never, unless chosen.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final, Literal

from sqlmodel import Session

from services.common.errors import BadRequest, Forbidden
from services.common.pagination import PageParams, decode_cursor, encode_cursor
from services.common.security import Principal
from services.registry.mail import repository
from services.registry.models import MailMessage, NotificationPreference
from services.registry.notifications import EVENT_TYPES

Mode = Literal["immediate", "daily", "never"]
MODES: Final = ("immediate", "daily", "never")

ROLE_DEFAULTS: Final[dict[str, dict[str, Mode]]] = {
    "admin": {
        "alert.raised": "immediate",
        "alert.updated": "daily",
        "rotation.ending": "daily",
        "webhook.disabled": "immediate",
    },
    "analyst": {"alert.raised": "immediate", "alert.updated": "daily"},
    "editor": {"alert.raised": "daily", "alert.updated": "daily", "rotation.ending": "daily"},
    "reader": {"alert.raised": "daily"},
}


def default_mode(role: str, event_type: str) -> Mode:
    """What a person of ``role`` gets of ``event_type`` unless they chose otherwise."""
    return ROLE_DEFAULTS.get(role, {}).get(event_type, "never")


def mode_for(preference: NotificationPreference | None, role: str, event_type: str) -> Mode:
    """The person's choice for ``event_type``, else their role's default."""
    chosen = (preference.events if preference is not None else {}).get(event_type)
    if chosen in MODES:
        mode: Mode = chosen
        return mode
    return default_mode(role, event_type)


def require_person(principal: Principal) -> None:
    """Preferences are a person's own: 403 for an API client."""
    if principal.subject_type != "person":
        raise Forbidden(
            "Email preferences belong to a signed-in person, not an API client",
            code="person_only",
        )


def preferences(*, session: Session, principal: Principal) -> tuple[dict[str, Mode], str | None]:
    """The signed-in person's effective mode per event type and chosen language."""
    require_person(principal)
    stored = repository.get_preference(session, principal.client_id)
    role = principal.role or "reader"
    events = {t: mode_for(stored, role, t) for t in EVENT_TYPES}
    return events, stored.language if stored is not None else None


def save_preferences(
    *,
    session: Session,
    principal: Principal,
    events: Mapping[str, Mode],
    language: str | None,
    now: datetime,
) -> tuple[dict[str, Mode], str | None]:
    """Store the person's choices (types not named keep their earlier choice or default;
    ``language`` None: the language of their account in auth)."""
    require_person(principal)
    stored = repository.get_preference(session, principal.client_id)
    chosen = dict(stored.events) if stored is not None else {}
    chosen.update(events)
    repository.save_preference(
        session,
        NotificationPreference(
            person_id=principal.client_id,
            org=principal.org,
            language=language,
            events=chosen,
            updated_at=now,
        ),
    )
    return preferences(session=session, principal=principal)


def outbox(
    *, session: Session, params: PageParams, status: str | None
) -> tuple[list[MailMessage], str | None]:
    """A page of the mail outbox, newest first, and the next page's cursor."""
    after = decode_cursor(params.cursor, 1)[0] if params.cursor else None
    if after is not None and not isinstance(after, int):
        raise BadRequest("The cursor is not one this list produced", code="invalid_cursor")
    rows = repository.outbox_page(session, after=after, limit=params.limit + 1, status=status)
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    cursor = encode_cursor([rows[-1].id]) if more and rows else None
    return rows, cursor
