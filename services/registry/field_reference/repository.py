"""Queries on armed groups and headstamp codes (small tables, read whole)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from services.common.pagination import PageParams, paginate
from services.registry.models import ArmedGroup, HeadstampCode
from services.registry.models.handles import armed_groups, headstamp_codes


def add(session: Session, row: ArmedGroup | HeadstampCode) -> None:
    """Stage a new entry."""
    session.add(row)
    session.flush()


def get_group(session: Session, code: str) -> ArmedGroup | None:
    """The armed group with ``code`` (None if unknown)."""
    return session.get(ArmedGroup, code)


def get_headstamp(session: Session, code: str) -> HeadstampCode | None:
    """The headstamp code ``code`` (None if unknown)."""
    return session.get(HeadstampCode, code)


def all_groups(session: Session) -> list[ArmedGroup]:
    """Every armed group (the list is a few dozen entries)."""
    return list(session.execute(select(ArmedGroup).order_by(armed_groups.c.code)).scalars())


def all_headstamps(session: Session) -> list[HeadstampCode]:
    """Every headstamp code (the table is a few hundred entries at most)."""
    statement = select(HeadstampCode).order_by(headstamp_codes.c.code)
    return list(session.execute(statement).scalars())


def list_groups(session: Session, *, params: PageParams) -> tuple[list[ArmedGroup], str | None]:
    """A page of armed groups by code."""
    rows, cursor = paginate(
        session,
        select(ArmedGroup),
        key=[armed_groups.c.code],
        params=params,
        key_of=lambda r: [r[0].code],
    )
    return [r[0] for r in rows], cursor


def list_headstamps(
    session: Session, *, params: PageParams
) -> tuple[list[HeadstampCode], str | None]:
    """A page of headstamp codes by code."""
    rows, cursor = paginate(
        session,
        select(HeadstampCode),
        key=[headstamp_codes.c.code],
        params=params,
        key_of=lambda r: [r[0].code],
    )
    return [r[0] for r in rows], cursor
