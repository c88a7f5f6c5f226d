"""Queries on a service's drafts tables (:mod:`services.common.drafts.tables`).

Drafts are one organisation's own work: every read names the organisation, and no
query here reads across organisations. Both tables are insert-only: a draft's state
is its latest step, its content the latest step that saved one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.common.drafts.tables import DraftState, DraftTables
from services.common.pagination import PageParams, paginate


def insert_draft(
    session: Session,
    tables: DraftTables,
    *,
    draft_id: str,
    organisation: str,
    actor: Mapping[str, str],
    at: datetime,
) -> None:
    """Store a new draft's identity (its first step follows with :func:`add_step`)."""
    session.execute(
        insert(tables.drafts).values(
            id=draft_id,
            organisation=organisation,
            created_by=actor["id"],
            created_by_type=actor["type"],
            created_at=at,
        )
    )


def add_step(
    session: Session,
    tables: DraftTables,
    *,
    draft_id: str,
    version: int,
    action: str,
    status: str,
    actor: Mapping[str, str],
    at: datetime,
    content: tuple[str | None, dict[str, Any]] | None = None,
    record_id: str | None = None,
    comment: str | None = None,
) -> bool:
    """Append step ``version`` (title and body when it saves ``content``); False, and
    nothing written, when another change already took that version."""
    title, body = content if content is not None else (None, None)
    try:
        with session.begin_nested():
            session.execute(
                insert(tables.steps).values(
                    draft_id=draft_id,
                    version=version,
                    action=action,
                    status=status,
                    title=title,
                    body=body,
                    record_id=record_id,
                    actor=actor["id"],
                    actor_type=actor["type"],
                    actor_org=actor["organisation"],
                    at=at,
                    comment=comment,
                )
            )
    except IntegrityError:
        return False
    return True


def _current(tables: DraftTables) -> Select[Any]:
    """Each draft with its latest step's status, version, record and time, and the title
    of its latest saving step."""
    drafts, steps = tables.drafts, tables.steps
    latest = (
        select(func.max(steps.c.version))
        .where(steps.c.draft_id == drafts.c.id)
        .correlate(drafts)
        .scalar_subquery()
    )
    saved = steps.alias("saved")
    title = (
        select(saved.c.title)
        .where(saved.c.draft_id == drafts.c.id, saved.c.body.is_not(None))
        .order_by(saved.c.version.desc())
        .limit(1)
        .correlate(drafts)
        .scalar_subquery()
    )
    return select(
        *drafts.c,
        steps.c.status,
        steps.c.version,
        steps.c.record_id,
        steps.c.at.label("updated_at"),
        title.label("title"),
    ).join(steps, (steps.c.draft_id == drafts.c.id) & (steps.c.version == latest))


# tenancy: drafts are filtered by their organisation, the caller's own
def find_draft(
    session: Session, tables: DraftTables, *, draft_id: str, organisation: str
) -> DraftState | None:
    """The draft as it stands if it belongs to ``organisation`` (None otherwise)."""
    drafts, steps = tables.drafts, tables.steps
    row = session.execute(
        _current(tables).where(drafts.c.id == draft_id, drafts.c.organisation == organisation)
    ).first()
    if row is None:
        return None
    body = session.execute(
        select(steps.c.body)
        .where(steps.c.draft_id == draft_id, steps.c.body.is_not(None))
        .order_by(steps.c.version.desc())
        .limit(1)
    ).scalar_one()
    return DraftState(**row._asdict(), body=body)


# tenancy: drafts are filtered by their organisation, the caller's own
def list_drafts(
    session: Session,
    tables: DraftTables,
    *,
    organisation: str,
    statuses: Sequence[str] | None,
    params: PageParams,
) -> tuple[list[Any], str | None]:
    """A page of ``organisation``'s drafts as they stand, oldest first, in ``statuses``
    if given (without their bodies)."""
    drafts, steps = tables.drafts, tables.steps
    statement = _current(tables).where(drafts.c.organisation == organisation)
    if statuses:
        statement = statement.where(steps.c.status.in_(statuses))
    return paginate(
        session,
        statement,
        key=(drafts.c.created_at, drafts.c.id),
        params=params,
        key_of=lambda row: (row.created_at, row.id),
    )


def history(session: Session, tables: DraftTables, *, draft_id: str) -> list[Row[Any]]:
    """A draft's steps, first first (the caller has already read the draft itself)."""
    steps = tables.steps
    statement = (
        select(
            steps.c.action,
            steps.c.actor,
            steps.c.actor_type,
            steps.c.actor_org,
            steps.c.at,
            steps.c.comment,
        )
        .where(steps.c.draft_id == draft_id)
        .order_by(steps.c.version)
    )
    return list(session.execute(statement).all())
