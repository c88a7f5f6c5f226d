"""Revoking a refresh token ends its session (every refresh token of the family)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from services.auth.actors import Actor
from services.auth.people.secrets import digest
from services.auth.sessions import repository as sessions_repository
from services.auth.sessions import service as sessions


def revoke_refresh_token(
    *, session: Session, app_id: str, token: str, actor: Actor, now: datetime
) -> bool:
    """End the session of ``token`` if it is a refresh token of this app; True if one ended."""
    row = (
        sessions_repository.refresh_token(session, digest(token)) if 0 < len(token) <= 128 else None
    )
    person_session = sessions_repository.get(session, row.session_id) if row else None
    if person_session is None or person_session.app_id != app_id:
        return False
    if person_session.ended_at is not None:
        return False
    sessions.end(
        session=session, person_session=person_session, reason="revoked", actor=actor, now=now
    )
    return True
