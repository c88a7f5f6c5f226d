"""Signed-in sessions: one family of refresh tokens per sign-in and app.

Refresh tokens rotate on every use; a refresh token used twice means it was
copied, so the whole family (the session) ends. A session ends after
``session_idle_minutes`` unused and ``session_max_hours`` after sign-in, when the
person is disabled or re-enrolled, signs out, or their admin signs them out (everywhere,
or one session from the organisation's list).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from services.auth.actors import Actor
from services.auth.administrators import Administrator
from services.auth.audit import service as audit
from services.auth.models import Person, PersonSession, RefreshToken
from services.auth.organisations import repository as organisations
from services.auth.people import repository as people
from services.auth.people.secrets import digest
from services.auth.sessions import repository
from services.auth.settings import AuthSettings
from services.common.errors import NotFound
from services.common.pagination import PageParams


@dataclass(frozen=True)
class Rotation:
    """A session and the refresh token that now continues it."""

    session: PersonSession
    refresh_token: str


def _new_refresh_token(session: Session, person_session: PersonSession, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    session.add(RefreshToken(token_hash=digest(token), session_id=person_session.id, issued_at=now))
    return token


def start(
    *,
    session: Session,
    person: Person,
    app_id: str,
    signed_in_at: datetime,
    actor: Actor,
    now: datetime,
) -> Rotation:
    """A new session (at a code exchange) and its first refresh token."""
    person_session = PersonSession(
        id="ses_" + secrets.token_hex(16),
        person_id=person.id,
        app_id=app_id,
        address=actor.address[:64] if actor.address else None,
        started_at=signed_in_at,
        last_used_at=now,
    )
    session.add(person_session)
    session.flush()
    token = _new_refresh_token(session, person_session, now)
    audit.record(
        session=session,
        actor=Actor(person.id, person.organisation, actor.address, actor.request_id),
        event="session.started",
        subject=person.id,
        details={"session": person_session.id, "app": app_id},
        now=now,
    )
    return Rotation(session=person_session, refresh_token=token)


def end(
    *, session: Session, person_session: PersonSession, reason: str, actor: Actor, now: datetime
) -> None:
    """End a session (its refresh tokens stop working) and record why."""
    if person_session.ended_at is not None:
        return
    person_session.ended_at = now
    person_session.end_reason = reason
    audit.record(
        session=session,
        actor=actor,
        event="session.ended",
        subject=person_session.person_id,
        details={"session": person_session.id, "reason": reason},
        now=now,
    )


def expiry_reason(
    person_session: PersonSession, *, settings: AuthSettings, now: datetime
) -> str | None:
    """``idle`` or ``expired`` when the session's time is up, else None."""
    if now >= person_session.started_at + timedelta(hours=settings.session_max_hours):
        return "expired"
    if now >= person_session.last_used_at + timedelta(minutes=settings.session_idle_minutes):
        return "idle"
    return None


def rotate(
    *, session: Session, person_session: PersonSession, used: RefreshToken, now: datetime
) -> Rotation | None:
    """Use up ``used`` and hand out the next refresh token of the family; None when a
    concurrent request used it first."""
    if not repository.use_refresh_token(session, token_hash=used.token_hash, now=now):
        return None
    person_session.last_used_at = now
    return Rotation(person_session, _new_refresh_token(session, person_session, now))


def active_sessions(*, session: Session, person_id: str) -> list[PersonSession]:
    """A person's open sessions."""
    return repository.active_of(session, person_id)


def end_own(
    *, session: Session, person_id: str, session_id: str, actor: Actor, now: datetime
) -> None:
    """A person ends one of their own sessions (404 for anyone else's)."""
    person_session = repository.get(session, session_id)
    if person_session is None or person_session.person_id != person_id:
        raise NotFound(f"No session {session_id}")
    end(session=session, person_session=person_session, reason="signed_out", actor=actor, now=now)


def end_all(*, session: Session, person_id: str, actor: Actor, now: datetime) -> int:
    """Sign a person out everywhere."""
    ended = people.end_sessions(session, person_id=person_id, reason="signed_out", now=now)
    audit.record(
        session=session,
        actor=actor,
        event="session.ended_all",
        subject=person_id,
        details={"sessions_ended": ended},
        now=now,
    )
    return ended


def _organisation_of(*, session: Session, code: str, by: Administrator) -> str:
    """The organisation ``by`` administers under ``code``; 404 for another organisation
    (whether it exists is not disclosed) or none."""
    code = code.upper()
    if not by.may_act_on(code) or organisations.get(session, code) is None:
        raise NotFound(f"No organisation {code}")
    return code


def organisation_sessions(
    *,
    session: Session,
    settings: AuthSettings,
    code: str,
    by: Administrator,
    params: PageParams,
    now: datetime,
) -> tuple[list[tuple[PersonSession, Person]], str | None]:
    """The open sessions of an organisation's people (its admin, or the operator): those
    whose idle and absolute limits have not run out."""
    organisation = _organisation_of(session=session, code=code, by=by)
    return repository.open_of_organisation(
        session,
        organisation=organisation,
        started_after=now - timedelta(hours=settings.session_max_hours),
        used_after=now - timedelta(minutes=settings.session_idle_minutes),
        params=params,
    )


def organisation_session(
    *, session: Session, code: str, session_id: str, by: Administrator
) -> tuple[PersonSession, Person]:
    """One open session of one of the organisation's people, with the person (its admin,
    or the operator). 404 for another organisation, a session of another organisation's
    person, or one already ended."""
    organisation = _organisation_of(session=session, code=code, by=by)
    person_session = repository.get(session, session_id)
    person = people.get(session, person_session.person_id) if person_session else None
    if (
        person_session is None
        or person_session.ended_at is not None
        or person is None
        or person.organisation != organisation
    ):
        raise NotFound(f"No open session {session_id} in {organisation}")
    return person_session, person


def end_in_organisation(
    *,
    session: Session,
    code: str,
    session_id: str,
    by: Administrator,
    actor: Actor,
    now: datetime,
) -> None:
    """An organisation's admin (or the operator) ends one session of one of its people:
    its refresh token stops working at once (404 as ``organisation_session``)."""
    person_session, _person = organisation_session(
        session=session, code=code, session_id=session_id, by=by
    )
    end(
        session=session,
        person_session=person_session,
        reason="ended_by_admin",
        actor=actor,
        now=now,
    )
