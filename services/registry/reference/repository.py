"""Queries on the trail of changes to reference data."""

from __future__ import annotations

from sqlmodel import Session, select

from services.common.pagination import PageParams, paginate
from services.registry.models import ReferenceChange
from services.registry.models.handles import reference_changes


def add_change(session: Session, change: ReferenceChange) -> None:
    """Stage one entry of the trail (in the caller's transaction; the boundary commits)."""
    session.add(change)
    session.flush()


def list_changes(
    session: Session, *, params: PageParams, entity: str | None, key: str | None
) -> tuple[list[ReferenceChange], str | None]:
    """One page of the trail in the order it was written, optionally for one entity or key."""
    t = reference_changes
    statement = select(ReferenceChange)
    if entity is not None:
        statement = statement.where(t.c.entity == entity)
    if key is not None:
        statement = statement.where(t.c.key == key)
    rows, cursor = paginate(
        session, statement, key=[t.c.id], params=params, key_of=lambda row: [row[0].id]
    )
    return [row[0] for row in rows], cursor
