"""Queries on sign-in sessions, their refresh tokens and the codes that start them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, update
from sqlalchemy import select as select_rows
from sqlmodel import Session, col, select

from services.auth.models import AuthorizationCode, Person, PersonSession, RefreshToken
from services.auth.tables import check_cursor, sort_key
from services.common.pagination import PageParams, paginate


def get(session: Session, session_id: str) -> PersonSession | None:
    """One sign-in session by id."""
    return session.get(PersonSession, session_id)


def refresh_token(session: Session, token_hash: str) -> RefreshToken | None:
    """A refresh token by its SHA-256."""
    return session.get(RefreshToken, token_hash)


def use_refresh_token(session: Session, *, token_hash: str, now: datetime) -> bool:
    """Mark a refresh token used; False when another request used it first (a race
    between two holders of one token is a reuse, not two rotations)."""
    result = session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.token_hash) == token_hash, col(RefreshToken.used_at).is_(None))
        .values(used_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def active_of(session: Session, person_id: str) -> list[PersonSession]:
    """A person's sessions not ended, newest first."""
    statement = (
        select(PersonSession)
        .where(col(PersonSession.person_id) == person_id, col(PersonSession.ended_at).is_(None))
        .order_by(col(PersonSession.started_at).desc(), col(PersonSession.id))
    )
    return list(session.exec(statement))


def open_of_organisation(
    session: Session,
    *,
    organisation: str,
    started_after: datetime,
    used_after: datetime,
    params: PageParams,
) -> tuple[list[tuple[PersonSession, Person]], str | None]:
    """The open sessions of one organisation's people, each with its person, by the
    person's email then session id: not ended, started after ``started_after`` and used
    after ``used_after`` (older ones have run out of time, though not yet marked ended)."""
    # Rows of two entities, typed as keyset pagination takes them.
    statement = cast(
        "Select[Any]",
        select_rows(PersonSession, Person)
        .join(Person, col(Person.id) == col(PersonSession.person_id))
        .where(
            col(Person.organisation) == organisation,
            col(PersonSession.ended_at).is_(None),
            col(PersonSession.started_at) > started_after,
            col(PersonSession.last_used_at) > used_after,
        ),
    )
    check_cursor(params.cursor, str, str)
    rows, cursor = paginate(
        session,
        statement,
        key=sort_key(Person.email_key, PersonSession.id),
        params=params,
        key_of=lambda row: [row[1].email_key, row[0].id],
    )
    return [(row[0], row[1]) for row in rows], cursor


def authorization_code(session: Session, code_hash: str) -> AuthorizationCode | None:
    """A code by its SHA-256."""
    return session.get(AuthorizationCode, code_hash)


def use_authorization_code(session: Session, *, code_hash: str, now: datetime) -> bool:
    """Use up a code; False when another exchange used it first."""
    result = session.execute(
        update(AuthorizationCode)
        .where(
            col(AuthorizationCode.code_hash) == code_hash,
            col(AuthorizationCode.used_at).is_(None),
        )
        .values(used_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1
