"""Queries on the public halves of signing keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from services.auth.models import SigningKey


def newest_unretired(session: Session) -> SigningKey | None:
    """The key that signs: the newest one not retired."""
    statement = (
        select(SigningKey)
        .where(col(SigningKey.retired_at).is_(None))
        .order_by(col(SigningKey.created_at).desc(), col(SigningKey.kid).desc())
        .limit(1)
    )
    return session.exec(statement).first()


def get(session: Session, kid: str) -> SigningKey | None:
    """One key by id."""
    return session.get(SigningKey, kid)


def retire_others(session: Session, *, keep: str, now: datetime) -> None:
    """Retire every unretired key except ``keep`` (they stop signing now)."""
    session.execute(
        update(SigningKey)
        .where(col(SigningKey.retired_at).is_(None), col(SigningKey.kid) != keep)
        .values(retired_at=now)
    )


def published(session: Session, *, retired_after: datetime) -> Sequence[SigningKey]:
    """Keys still in the JWKS: unretired, or retired after ``retired_after``."""
    statement = (
        select(SigningKey)
        .where(
            or_(
                col(SigningKey.retired_at).is_(None),
                col(SigningKey.retired_at) > retired_after,
            )
        )
        .order_by(col(SigningKey.created_at).desc(), col(SigningKey.kid))
    )
    return session.exec(statement).all()


def retired_before(session: Session, cutoff: datetime) -> Sequence[SigningKey]:
    """Keys retired before ``cutoff`` (no token they signed can still be valid)."""
    statement = select(SigningKey).where(col(SigningKey.retired_at) < cutoff)
    return session.exec(statement).all()


def all_keys(session: Session) -> Sequence[SigningKey]:
    """Every key, newest first."""
    statement = select(SigningKey).order_by(col(SigningKey.created_at).desc())
    return session.exec(statement).all()
