"""Queries on organisations."""

from __future__ import annotations

from sqlmodel import Session, col, select

from services.auth.models import Organisation
from services.auth.tables import check_cursor, sort_key
from services.common.database import insert_unless_exists
from services.common.pagination import PageParams, paginate


def get(session: Session, code: str) -> Organisation | None:
    """One organisation by code."""
    return session.get(Organisation, code)


def add_new(session: Session, organisation: Organisation) -> bool:
    """Insert ``organisation``; False when its code is taken (concurrent creates included)."""
    return insert_unless_exists(
        session, organisation, exists=lambda: get(session, organisation.code) is not None
    )


def first_of_type(session: Session, org_type: str) -> Organisation | None:
    """Any organisation of ``org_type`` (the operator, at bootstrap)."""
    statement = (
        select(Organisation)
        .where(col(Organisation.type) == org_type)
        .order_by(col(Organisation.code))
    )
    return session.exec(statement).first()


def page(
    session: Session, *, params: PageParams, org_type: str | None
) -> tuple[list[Organisation], str | None]:
    """Organisations by code after the cursor."""
    statement = select(Organisation)
    if org_type is not None:
        statement = statement.where(col(Organisation.type) == org_type)
    check_cursor(params.cursor, str)
    rows, cursor = paginate(
        session,
        statement,
        key=sort_key(Organisation.code),
        params=params,
        key_of=lambda row: [row[0].code],
    )
    return [row[0] for row in rows], cursor
