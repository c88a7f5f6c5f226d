"""Queries of legal holds and disposals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlmodel import Session

from services.declarations.models import (
    declaration_contents,
    disposals,
    hold_lifts,
    holds,
    items,
)


# tenancy: retention/service.py _declaration checks find_current(visible.scope) first (404)
def holds_of(session: Session, declaration_id: str) -> list[Any]:
    """Every hold of a declaration with its lift, if any, oldest first."""
    return list(
        session.execute(
            select(
                holds,
                hold_lifts.c.lifted_at,
                hold_lifts.c.lifted_by,
                hold_lifts.c.lifted_by_org,
                hold_lifts.c.lifted_by_type,
                hold_lifts.c.reason.label("lift_reason"),
                hold_lifts.c.log_index.label("lift_log_index"),
            )
            .select_from(holds)
            .outerjoin(hold_lifts, hold_lifts.c.hold_id == holds.c.id)
            .where(holds.c.declaration_id == declaration_id)
            .order_by(holds.c.placed_at, holds.c.id)
        ).all()
    )


def insert_hold(session: Session, **values: Any) -> None:
    """Store a placed hold."""
    session.execute(insert(holds).values(**values))


def insert_lift(session: Session, **values: Any) -> None:
    """Store the lifting of a hold."""
    session.execute(insert(hold_lifts).values(**values))


def insert_disposal(session: Session, **values: Any) -> None:
    """Record a disposal.

    The database refuses it before expiry by its own date, under a hold, or
    without the declaration's disposal entry at ``log_index``.
    """
    session.execute(insert(disposals).values(**values))


# tenancy: retention/service.py dispose checks _declaration and require_disposer first
def disposed(session: Session, declaration_id: str) -> bool:
    """True when a disposal of the declaration is recorded."""
    return (
        session.execute(
            select(disposals.c.declaration_id).where(disposals.c.declaration_id == declaration_id)
        ).first()
        is not None
    )


def remove_content(session: Session, declaration_id: str) -> int:
    """Null every version's content and drop the item index; returns versions disposed.

    The only UPDATE the database lets through on record tables, and only after
    the disposal row is in.
    """
    result = session.execute(
        update(declaration_contents)
        .where(
            declaration_contents.c.declaration_id == declaration_id,
            declaration_contents.c.content.is_not(None),
        )
        .values(content=None)
    )
    session.execute(items.delete().where(items.c.declaration_id == declaration_id))
    return int(result.rowcount)  # type: ignore[attr-defined]
