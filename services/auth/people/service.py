"""People: invitation (a one-time enrolment link), listing, disabling, re-enrolment.

Each organisation administers itself: its ``admin`` people act on its own people
only; the operator (an ``admin``-scope token of the operator) acts on any. A
person is disabled, never deleted: the audit trail and the records keep naming
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.auth.actors import Actor
from services.auth.administrators import Administrator
from services.auth.audit import service as audit
from services.auth.models import Enrolment, Person
from services.auth.organisations import repository as organisations
from services.auth.people import repository
from services.auth.people.roles import roles_of, scopes_of
from services.auth.people.schemas import PersonInvite
from services.auth.people.secrets import digest, new_link_token, new_person_id
from services.auth.settings import AuthSettings
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.common.pagination import PageParams
from services.common.scopes import Scope
from services.common.security import Principal


@dataclass(frozen=True)
class NewLink:
    """A person and their new one-time enrolment link."""

    person: Person
    url: str
    expires_at: datetime


def email_key(email: str) -> str:
    """How emails are compared: trimmed and case-folded."""
    return email.strip().casefold()


def administrator(
    *,
    session: Session,
    principal: Principal,
    refusal: str = "Only an organisation's admin, or the operator, administers people",
    code: str = "forbidden",
) -> Administrator:
    """The caller's authority over their organisation (people, API clients, sessions), or
    403 with ``refusal`` and ``code``.

    The operator's ``admin`` scope covers every organisation; otherwise the caller
    must be an enabled person holding the ``admin`` role, acting for their own
    organisation (a role, checked here, never a scope that could cross organisations).
    """
    if principal.org_type == "operator" and principal.has_scope(Scope.ADMIN):
        return Administrator(operator=True, organisation=principal.org)
    person = repository.get(session, principal.client_id)
    if (
        person is None
        or not person.enabled
        or person.role != "admin"
        or person.organisation != principal.org
    ):
        raise Forbidden(refusal, code=code)
    return Administrator(operator=False, organisation=person.organisation)


def _enrolment_link(
    *, session: Session, settings: AuthSettings, person: Person, now: datetime
) -> NewLink:
    repository.revoke_open_enrolments(session, person_id=person.id, now=now)
    token = new_link_token()
    expires_at = now + timedelta(hours=settings.enrolment_link_hours)
    session.add(
        Enrolment(
            token_hash=digest(token),
            person_id=person.id,
            totp_secret=pyotp.random_base32(32),
            created_at=now,
            expires_at=expires_at,
        )
    )
    url = f"{settings.resolved_public_url()}/auth/enrol/{token}"
    return NewLink(person=person, url=url, expires_at=expires_at)


def invite_person(
    *,
    session: Session,
    settings: AuthSettings,
    data: PersonInvite,
    by: Administrator,
    actor: Actor,
    now: datetime,
) -> NewLink:
    """Create a person (not yet able to sign in) and a one-time enrolment link.

    403 when the caller may not act for that organisation or give that role;
    422 for an unknown organisation or a role its type has not; 409 for an email
    already in use (compared without regard to case).
    """
    code = data.organisation.strip().upper()
    if not by.may_act_on(code):
        raise Forbidden(f"You may not invite people into {code}")
    organisation = organisations.get(session, code)
    if organisation is None:
        raise ValidationFailed([{"loc": "organisation", "msg": f"no organisation {code}"}])
    if data.role not in roles_of(organisation.type):
        message = (
            f"a {organisation.type} person holds one of: {', '.join(roles_of(organisation.type))}"
        )
        if not by.operator:
            raise Forbidden(f"You may not give the role {data.role}: {message}")
        raise ValidationFailed([{"loc": "role", "msg": message}])
    key = email_key(data.email)
    if repository.by_email(session, key) is not None:
        raise Conflict("Someone already uses this email", code="email_taken")
    person = Person(
        id=new_person_id(),
        organisation=code,
        org_type=organisation.type,
        role=data.role,
        email=data.email.strip(),
        email_key=key,
        name=data.name.strip(),
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(person)
            session.flush()
    except IntegrityError:
        raise Conflict("Someone already uses this email", code="email_taken") from None
    link = _enrolment_link(session=session, settings=settings, person=person, now=now)
    audit.record(
        session=session,
        actor=actor,
        event="person.invited",
        subject=person.id,
        details={"organisation": code, "role": person.role, "email": person.email},
        now=now,
    )
    return link


def get_person(*, session: Session, person_id: str, by: Administrator) -> Person:
    """One person of the caller's organisation (any, for the operator); 404 otherwise."""
    person = repository.get(session, person_id)
    if person is None or not by.may_act_on(person.organisation):
        raise NotFound(f"No person {person_id}")
    return person


def list_people(
    *, session: Session, params: PageParams, by: Administrator, organisation: str | None
) -> tuple[list[Person], str | None]:
    """A page of people: the caller's organisation's, or any (operator, optionally one)."""
    code = organisation.upper() if organisation else None
    if not by.operator:
        if code is not None and code != by.organisation:
            return [], None
        code = by.organisation
    return repository.page(session, params=params, organisation=code)


def disable_person(
    *, session: Session, person_id: str, by: Administrator, actor: Actor, now: datetime
) -> Person:
    """Disable at once: no new sign-in or token, every session and refresh token ended."""
    person = get_person(session=session, person_id=person_id, by=by)
    if person.id == actor.actor:
        raise Conflict("You cannot disable yourself", code="cannot_disable_self")
    if person.enabled:
        person.enabled = False
        person.updated_at = now
        repository.revoke_open_enrolments(session, person_id=person.id, now=now)
        ended = repository.end_sessions(session, person_id=person.id, reason="disabled", now=now)
        audit.record(
            session=session,
            actor=actor,
            event="person.disabled",
            subject=person.id,
            details={"organisation": person.organisation, "sessions_ended": ended},
            now=now,
        )
    return person


def enable_person(
    *, session: Session, person_id: str, by: Administrator, actor: Actor, now: datetime
) -> Person:
    """Enable a disabled person again: they sign in with their password and authenticator
    as before (a person never enrolled needs a new link: reset-mfa)."""
    person = get_person(session=session, person_id=person_id, by=by)
    if not person.enabled:
        person.enabled = True
        person.updated_at = now
        audit.record(
            session=session,
            actor=actor,
            event="person.enabled",
            subject=person.id,
            details={"organisation": person.organisation},
            now=now,
        )
    return person


def reset_mfa(
    *,
    session: Session,
    settings: AuthSettings,
    person_id: str,
    by: Administrator,
    actor: Actor,
    now: datetime,
) -> NewLink:
    """Re-enrolment: password, authenticator and recovery codes are set anew from a new
    link; until then the person cannot sign in, and their sessions end now."""
    person = get_person(session=session, person_id=person_id, by=by)
    if not person.enabled:
        raise Conflict("This person is disabled", code="person_disabled")
    person.password_hash = None
    person.totp_secret = None
    person.totp_last_step = None
    person.enrolled_at = None
    person.updated_at = now
    repository.replace_recovery_codes(session, person_id=person.id, code_hashes=[], now=now)
    repository.end_sessions(session, person_id=person.id, reason="re-enrolment", now=now)
    link = _enrolment_link(session=session, settings=settings, person=person, now=now)
    audit.record(
        session=session,
        actor=actor,
        event="person.mfa_reset",
        subject=person.id,
        details={"organisation": person.organisation},
        now=now,
    )
    return link


def change_role(
    *, session: Session, person_id: str, role: str, by: Administrator, actor: Actor, now: datetime
) -> Person:
    """Give a person another role of their organisation's type (tokens from the next
    refresh carry its scopes; access tokens already issued expire within 900 s)."""
    person = get_person(session=session, person_id=person_id, by=by)
    if role not in roles_of(person.org_type):
        message = f"a {person.org_type} person holds one of: {', '.join(roles_of(person.org_type))}"
        if not by.operator:
            raise Forbidden(f"You may not give the role {role}: {message}")
        raise ValidationFailed([{"loc": "role", "msg": message}])
    if person.role != role:
        audit.record(
            session=session,
            actor=actor,
            event="person.role_changed",
            subject=person.id,
            details={"from": person.role, "to": role, "organisation": person.organisation},
            now=now,
        )
        person.role = role
        person.updated_at = now
    return person


def scopes_for(person: Person) -> list[str]:
    """The scopes the person's tokens carry (from the role)."""
    return [str(s) for s in scopes_of(person.org_type, person.role)]


def directory(*, session: Session, organisation: str | None) -> list[Person]:
    """Enabled people (of ``organisation`` if given): the ``people:read`` directory."""
    code = organisation.strip().upper() if organisation else None
    return repository.directory(session, organisation=code)


def triagers(*, session: Session, principal: Principal, code: str) -> list[Person]:
    """The enabled people of the caller's own organisation whose role triages alerts
    (``alerts:triage``: a secretariat's admins and analysts), by name.

    Whom an alert may be assigned to, for any caller that triages alerts (a person or an
    API client): another organisation is a 404 (its people are not the caller's to
    know), a caller of this organisation without ``alerts:triage`` a 403.
    """
    code = code.upper()
    if principal.org != code:
        raise NotFound(f"No organisation {code}")
    if not principal.has_scope(Scope.ALERTS_TRIAGE):
        raise Forbidden(
            f"Listing who triages alerts needs the '{Scope.ALERTS_TRIAGE}' scope"
            " (a secretariat's analysts and admins)",
            code="insufficient_scope",
        )
    people = repository.directory(session, organisation=code)
    found = [p for p in people if Scope.ALERTS_TRIAGE in scopes_of(p.org_type, p.role)]
    return sorted(found, key=lambda p: (p.name.casefold(), p.id))
