"""Signing a person in: email and password, then an authenticator or recovery code,
then a one-time authorization code for the app.

Answers never tell whether an email exists: an unknown email costs the same
argon2id check (against a dummy hash) and gets the same page as a wrong password.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from services.auth.actors import Actor
from services.auth.audit import service as audit
from services.auth.models import AuthorizationCode, Person
from services.auth.people import passwords, totp
from services.auth.people import repository as people
from services.auth.people.secrets import digest, normalise_recovery_code
from services.auth.people.service import email_key
from services.auth.settings import AuthSettings
from services.auth.signin.requests import AuthorizationRequest


@dataclass(frozen=True)
class Candidate:
    """Who an email names, read before the (slow) password check."""

    email_key: str
    person_id: str | None
    password_hash: str | None


def find_candidate(session: Session, *, email: str) -> Candidate:
    """The person an email names (or nobody): enabled and enrolled people only."""
    key = email_key(email)
    person = people.by_email(session, key)
    if person is None or not person.enabled or person.password_hash is None:
        return Candidate(email_key=key, person_id=None, password_hash=None)
    return Candidate(email_key=key, person_id=person.id, password_hash=person.password_hash)


def check_password(settings: AuthSettings, candidate: Candidate, password: str) -> bool:
    """argon2id, slow on purpose: run at the gate, outside any database lock."""
    return passwords.verify_password(settings, candidate.password_hash, password)


def record(
    session: Session,
    *,
    event: str,
    actor: Actor,
    now: datetime,
    person_id: str | None,
    email: str,
    details: dict[str, object] | None = None,
) -> None:
    """One sign-in event in the audit trail (``signin.failed``, ``signin.locked``, ...)."""
    person = people.get(session, person_id) if person_id else None
    audit.record(
        session=session,
        actor=Actor(
            person.id if person else "anonymous",
            person.organisation if person else None,
            actor.address,
            actor.request_id,
        ),
        event=event,
        subject=person.id if person else email[:255],
        details=details or {},
        now=now,
    )


def _accept_totp(session: Session, person: Person, code: str, now: datetime) -> bool:
    if person.totp_secret is None:
        return False
    step = totp.accepted_step(person.totp_secret, code, last_step=person.totp_last_step, now=now)
    if step is None:
        return False
    # Conditional update: two requests racing with one code cannot both pass.
    return people.advance_totp_step(session, person_id=person.id, step=step)


def _accept_recovery_code(session: Session, person: Person, code: str, now: datetime) -> bool:
    code_hash = digest(normalise_recovery_code(code))
    return people.use_recovery_code(session, person_id=person.id, code_hash=code_hash, now=now)


def second_factor(
    *,
    session: Session,
    settings: AuthSettings,
    person_id: str,
    code: str,
    recovery_code: str,
    authorization: AuthorizationRequest,
    actor: Actor,
    now: datetime,
) -> str | None:
    """Check the authenticator code (never one already used) or a recovery code (used up);
    on success return a new authorization code for the app (kept as SHA-256)."""
    person = people.get(session, person_id)
    if person is None or not person.enabled or person.password_hash is None:
        return None
    if code.strip():
        accepted = _accept_totp(session, person, code, now)
        method = "totp"
    else:
        accepted = bool(recovery_code.strip()) and _accept_recovery_code(
            session, person, recovery_code, now
        )
        method = "recovery_code"
    if not accepted:
        return None
    authorization_code = secrets.token_urlsafe(32)
    session.add(
        AuthorizationCode(
            code_hash=digest(authorization_code),
            app_id=authorization.client_id,
            person_id=person.id,
            redirect_uri=authorization.redirect_uri,
            code_challenge=authorization.code_challenge,
            signed_in_at=now,
            expires_at=now + timedelta(seconds=settings.authorization_code_seconds),
        )
    )
    record(
        session,
        event="signin.succeeded",
        actor=actor,
        now=now,
        person_id=person.id,
        email=person.email,
        details={"app": authorization.client_id, "method": method},
    )
    return authorization_code
