"""Queries on incidents (insert-only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, insert, or_, select
from sqlalchemy.engine import Row
from sqlmodel import Session

from services.common.pagination import PageParams, paginate
from services.common.security import ReadScope
from services.declarations.models import incidents


def insert_incident(session: Session, values: dict[str, Any]) -> None:
    """Store a new incident."""
    session.execute(insert(incidents).values(**values))


def _visible(scope: ReadScope, own_org: str) -> ColumnElement[bool]:
    # The creating organisation, and whoever ``scope`` admits for the incident's
    # country on its date (secretariats; a member state's scope is empty here).
    t = incidents
    return or_(t.c.created_by_org == own_org, scope.clause(t.c.country, t.c.incident_date))


def find_incident(
    session: Session, incident_id: str, *, scope: ReadScope, own_org: str
) -> Row[Any] | None:
    """The incident if the caller may read it."""
    statement = select(incidents).where(incidents.c.id == incident_id, _visible(scope, own_org))
    return session.execute(statement).first()


def list_incidents(
    session: Session, *, scope: ReadScope, own_org: str, page: PageParams
) -> tuple[list[Row[Any]], str | None]:
    """A page of the incidents the caller may read, oldest created first."""
    t = incidents
    rows, cursor = paginate(
        session,
        select(incidents).where(_visible(scope, own_org)),
        key=[t.c.created_at, t.c.id],
        params=page,
        key_of=lambda r: (r.created_at, r.id),
    )
    return list(rows), cursor


# tenancy: background job: the index relay sends the incident a declaration names
def incident_for_index(session: Session, incident_id: str) -> Row[Any] | None:
    """The incident a declaration names, for the registry's index."""
    statement = select(incidents).where(incidents.c.id == incident_id)
    return session.execute(statement).first()
