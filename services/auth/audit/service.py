"""The audit trail: every token issued or refused, every change to clients,
organisations, memberships and keys, with who, when and from which address."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from services.auth.actors import Actor
from services.auth.audit import repository
from services.auth.models import AuditEvent
from services.common.pagination import PageParams


def record(
    *,
    session: Session,
    actor: Actor,
    event: str,
    now: datetime,
    subject: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the trail (in the caller's transaction)."""
    entry = AuditEvent(
        occurred_at=now,
        event=event,
        actor=actor.actor[:255],
        actor_org=actor.actor_org,
        address=actor.address[:64] if actor.address else None,
        subject=subject[:255] if subject else None,
        details=details or {},
        request_id=actor.request_id,
    )
    session.add(entry)
    return entry


def list_events(
    *,
    session: Session,
    params: PageParams,
    event: str | None = None,
    subject: str | None = None,
    actor: str | None = None,
) -> tuple[list[AuditEvent], str | None]:
    """A page of the trail, oldest first, optionally filtered."""
    return repository.page(session, params=params, event=event, subject=subject, actor=actor)
