"""Enrolment: at a one-time link, a person sets a password, enrols an authenticator and
receives ten recovery codes (shown once, kept as SHA-256)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from services.auth.actors import Actor
from services.auth.audit import service as audit
from services.auth.people import repository as people
from services.auth.people.secrets import digest, new_recovery_code

RECOVERY_CODES = 10


@dataclass(frozen=True)
class OpenEnrolment:
    """What the enrolment page shows and checks."""

    token_hash: str
    person_id: str
    email: str
    name: str
    totp_secret: str


def open_enrolment(session: Session, *, token: str, now: datetime) -> OpenEnrolment | None:
    """The enrolment behind a link, if the link can still be used (unused, not replaced,
    not expired, the person not disabled); else None."""
    if not 20 <= len(token) <= 64:
        return None
    link = people.enrolment(session, digest(token))
    if link is None or link.used_at is not None or link.revoked_at is not None:
        return None
    if link.expires_at <= now:
        return None
    person = people.get(session, link.person_id)
    if person is None or not person.enabled:
        return None
    return OpenEnrolment(
        token_hash=link.token_hash,
        person_id=person.id,
        email=person.email,
        name=person.name,
        totp_secret=link.totp_secret,
    )


def complete_enrolment(
    *,
    session: Session,
    enrolment: OpenEnrolment,
    password_hash: str,
    totp_step: int,
    actor: Actor,
    now: datetime,
) -> list[str] | None:
    """Use the link (once: a second submission finds it used and gets None), set the
    password and authenticator, and return the new recovery codes."""
    used = people.use_enrolment(session, token_hash=enrolment.token_hash, now=now)
    person = people.get(session, enrolment.person_id)
    if not used or person is None or not person.enabled:
        return None
    codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
    person.password_hash = password_hash
    person.totp_secret = enrolment.totp_secret
    person.totp_last_step = totp_step
    person.enrolled_at = now
    person.updated_at = now
    people.replace_recovery_codes(
        session, person_id=person.id, code_hashes=[digest(c) for c in codes], now=now
    )
    audit.record(
        session=session,
        actor=Actor(person.id, person.organisation, actor.address, actor.request_id),
        event="person.enrolled",
        subject=person.id,
        now=now,
    )
    return codes
