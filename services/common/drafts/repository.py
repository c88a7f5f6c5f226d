"""Queries on a service's drafts tables (:mod:`services.common.drafts.tables`).

Drafts are one organisation's own work: every read names the organisation, and
no query here reads across organisations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlmodel import Session

from services.common.drafts.tables import DraftTables
from services.common.pagination import PageParams, paginate


def insert_draft(session: Session, tables: DraftTables, values: Mapping[str, Any]) -> None:
    """Store a new draft."""
    session.execute(insert(tables.drafts).values(**values))


# tenancy: drafts are filtered by their organisation, the caller's own
def find_draft(
    session: Session, tables: DraftTables, *, draft_id: str, organisation: str
) -> Row[Any] | None:
    """The draft if it belongs to ``organisation`` (None otherwise)."""
    drafts = tables.drafts
    return session.execute(
        select(drafts).where(drafts.c.id == draft_id, drafts.c.organisation == organisation)
    ).first()


# tenancy: drafts are filtered by their organisation, the caller's own
def list_drafts(
    session: Session,
    tables: DraftTables,
    *,
    organisation: str,
    statuses: Sequence[str] | None,
    params: PageParams,
) -> tuple[list[Any], str | None]:
    """A page of ``organisation``'s drafts, oldest first, in ``statuses`` if given."""
    drafts = tables.drafts
    columns = [c for c in drafts.c if c.name != "body"]
    statement = select(*columns).where(drafts.c.organisation == organisation)
    if statuses:
        statement = statement.where(drafts.c.status.in_(statuses))
    return paginate(
        session,
        statement,
        key=(drafts.c.created_at, drafts.c.id),
        params=params,
        key_of=lambda row: (row.created_at, row.id),
    )


def update_draft(
    session: Session,
    tables: DraftTables,
    *,
    draft_id: str,
    version: int,
    from_statuses: Sequence[str],
    values: Mapping[str, Any],
) -> bool:
    """Apply ``values`` if the draft is still at ``version`` and in ``from_statuses``,
    bumping its version; False (nothing written) when another change came first."""
    drafts = tables.drafts
    result = session.execute(
        update(drafts)
        .where(
            drafts.c.id == draft_id,
            drafts.c.version == version,
            drafts.c.status.in_(from_statuses),
        )
        .values(**values, version=version + 1)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def add_step(
    session: Session,
    tables: DraftTables,
    *,
    draft_id: str,
    action: str,
    actor: Mapping[str, str],
    at: datetime,
    comment: str | None = None,
) -> None:
    """Append one step to a draft's history."""
    session.execute(
        insert(tables.events).values(
            draft_id=draft_id,
            action=action,
            actor=actor["id"],
            actor_type=actor["type"],
            actor_org=actor["organisation"],
            at=at,
            comment=comment,
        )
    )


def history(session: Session, tables: DraftTables, *, draft_id: str) -> list[Row[Any]]:
    """A draft's steps, first first (the caller has already read the draft itself)."""
    events = tables.events
    statement = select(events).where(events.c.draft_id == draft_id).order_by(events.c.id)
    return list(session.execute(statement).all())
