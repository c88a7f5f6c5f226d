"""Queries on people and their enrolment links and recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from services.auth.models import Enrolment, Person, PersonSession, RecoveryCode
from services.auth.tables import check_cursor, sort_key
from services.common.pagination import PageParams, paginate


def get(session: Session, person_id: str) -> Person | None:
    """One person by id."""
    return session.get(Person, person_id)


def by_email(session: Session, email_key: str) -> Person | None:
    """The person with this (case-folded) email."""
    return session.exec(select(Person).where(col(Person.email_key) == email_key)).first()


def page(
    session: Session, *, params: PageParams, organisation: str | None
) -> tuple[list[Person], str | None]:
    """People by id after the cursor, of one organisation unless None (operator)."""
    statement = select(Person)
    if organisation is not None:
        statement = statement.where(col(Person.organisation) == organisation)
    check_cursor(params.cursor, str)
    rows, cursor = paginate(
        session, statement, key=sort_key(Person.id), params=params, key_of=lambda r: [r[0].id]
    )
    return [row[0] for row in rows], cursor


def directory(session: Session, *, organisation: str | None) -> list[Person]:
    """Enabled people, of one organisation unless None, by id."""
    statement = select(Person).where(col(Person.enabled).is_(True))
    if organisation is not None:
        statement = statement.where(col(Person.organisation) == organisation)
    return list(session.exec(statement.order_by(col(Person.id))))


def enrolment(session: Session, token_hash: str) -> Enrolment | None:
    """An enrolment link by the SHA-256 of its token."""
    return session.get(Enrolment, token_hash)


def revoke_open_enrolments(session: Session, *, person_id: str, now: datetime) -> None:
    """Links not yet used stop working (a newer one replaces them, or the person left)."""
    session.execute(
        update(Enrolment)
        .where(
            col(Enrolment.person_id) == person_id,
            col(Enrolment.used_at).is_(None),
            col(Enrolment.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    )


def replace_recovery_codes(
    session: Session, *, person_id: str, code_hashes: list[str], now: datetime
) -> None:
    """The person's recovery codes become these (older ones stop working)."""
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.person_id) == person_id))
    for code_hash in code_hashes:
        session.add(RecoveryCode(code_hash=code_hash, person_id=person_id, created_at=now))


def unused_recovery_code(
    session: Session, *, person_id: str, code_hash: str
) -> RecoveryCode | None:
    """The person's recovery code with this hash, if not used yet."""
    code = session.get(RecoveryCode, code_hash)
    if code is None or code.person_id != person_id or code.used_at is not None:
        return None
    return code


def use_enrolment(session: Session, *, token_hash: str, now: datetime) -> bool:
    """Mark a link used; False when it was used or revoked meanwhile (one use, even racing)."""
    result = session.execute(
        update(Enrolment)
        .where(
            col(Enrolment.token_hash) == token_hash,
            col(Enrolment.used_at).is_(None),
            col(Enrolment.revoked_at).is_(None),
        )
        .values(used_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def advance_totp_step(session: Session, *, person_id: str, step: int) -> bool:
    """Remember ``step`` as the last accepted; False when it is not newer (a replay, or a
    concurrent request with the same code won)."""
    result = session.execute(
        update(Person)
        .where(
            col(Person.id) == person_id,
            or_(col(Person.totp_last_step).is_(None), col(Person.totp_last_step) < step),
        )
        .values(totp_last_step=step)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def use_recovery_code(session: Session, *, person_id: str, code_hash: str, now: datetime) -> bool:
    """Use up one of the person's recovery codes; False when it is not theirs or was used."""
    result = session.execute(
        update(RecoveryCode)
        .where(
            col(RecoveryCode.code_hash) == code_hash,
            col(RecoveryCode.person_id) == person_id,
            col(RecoveryCode.used_at).is_(None),
        )
        .values(used_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def end_sessions(session: Session, *, person_id: str, reason: str, now: datetime) -> int:
    """End every open session of a person (their refresh tokens die with them)."""
    result = session.execute(
        update(PersonSession)
        .where(col(PersonSession.person_id) == person_id, col(PersonSession.ended_at).is_(None))
        .values(ended_at=now, end_reason=reason)
    )
    return int(getattr(result, "rowcount", 0) or 0)
