"""Queries on tracing cases, their records and shares, and trace requests.

Cases are read by their owning organisation and the states shared with: the filter is
the caller's organisation (``_readable``), not a ``ReadScope``. The records a case item
copies are read through the caller's ``ReadScope``; the statistics of traced weapons too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select, update
from sqlalchemy.engine import Row
from sqlmodel import Session

from services.common.pagination import PageParams, paginate
from services.common.security import ReadScope
from services.registry.models import (
    Case,
    CaseItem,
    CaseShare,
    DeclaredItem,
    IndexedDeclaration,
    ManifestItem,
    TraceRequest,
    TraceRequestEvent,
)
from services.registry.models.handles import (
    case_items,
    case_shares,
    cases,
    declared_items,
    indexed_declarations,
    manifest_items,
    trace_request_events,
    trace_requests,
)


def _readable(organisation: str) -> ColumnElement[bool]:
    """Cases the organisation owns or was shared."""
    shared = exists().where(
        case_shares.c.case_id == cases.c.id, case_shares.c.organisation == organisation
    )
    return or_(cases.c.owner_org == organisation, shared)


# tenancy: a case is read by its owner and the states shared with (_readable), not by date
def get_case(session: Session, *, case_id: str, organisation: str) -> Case | None:
    """The case if ``organisation`` owns it or was shared it, else None."""
    statement = select(Case).where(cases.c.id == case_id, _readable(organisation))
    return session.execute(statement).scalars().first()


# tenancy: a case is read by its owner and the states shared with (_readable), not by date
def list_cases(
    session: Session, *, organisation: str, params: PageParams
) -> tuple[list[Case], str | None]:
    """A page of the cases ``organisation`` may read, oldest first."""
    statement = select(Case).where(_readable(organisation))
    rows, cursor = paginate(
        session,
        statement,
        key=[cases.c.created_at, cases.c.id],
        params=params,
        key_of=lambda row: [row[0].created_at, row[0].id],
    )
    return [row[0] for row in rows], cursor


def add(session: Session, row: Case | CaseItem | CaseShare | TraceRequest) -> None:
    """Stage a new row and give it its id."""
    session.add(row)
    session.flush()


# tenancy: callers check the case first (get_case)
def items_of(session: Session, case_id: str) -> list[CaseItem]:
    """The case's records in the order added."""
    statement = select(CaseItem).where(case_items.c.case_id == case_id).order_by(case_items.c.id)
    return list(session.execute(statement).scalars())


# tenancy: callers check the case first (get_case)
def case_item(session: Session, *, case_id: str, item_id: int) -> CaseItem | None:
    """One record of the case, or None."""
    statement = select(CaseItem).where(case_items.c.case_id == case_id, case_items.c.id == item_id)
    return session.execute(statement).scalars().first()


# tenancy: callers check the case first (get_case)
def shares_of(session: Session, case_id: str) -> list[CaseShare]:
    """The states the case is shared with, in the order shared."""
    statement = select(CaseShare).where(case_shares.c.case_id == case_id).order_by(case_shares.c.id)
    return list(session.execute(statement).scalars())


# tenancy: callers check the case first (get_case)
def requests_of(session: Session, case_id: str) -> list[TraceRequest]:
    """The case's trace requests, oldest first."""
    statement = (
        select(TraceRequest)
        .where(trace_requests.c.case_id == case_id)
        .order_by(trace_requests.c.created_at, trace_requests.c.id)
    )
    return list(session.execute(statement).scalars())


# tenancy: a case is read by its owner and the states shared with (_readable), not by date
def list_requests(
    session: Session,
    *,
    organisation: str,
    params: PageParams,
    status: str | None,
    overdue_on: date | None,
    overdue: bool,
) -> tuple[list[TraceRequest], str | None]:
    """A page of the trace requests of the cases ``organisation`` reads, oldest first;
    with ``overdue_on``, only those overdue on that day (``overdue``) or only the others."""
    t = trace_requests
    readable = select(cases.c.id).where(_readable(organisation))
    statement = select(TraceRequest).where(t.c.case_id.in_(readable))
    if status is not None:
        statement = statement.where(t.c.status == status)
    if overdue_on is not None:
        late = and_(t.c.status.in_(("sent", "acknowledged")), t.c.deadline < overdue_on)
        statement = statement.where(late if overdue else not_(late))
    rows, cursor = paginate(
        session,
        statement,
        key=[t.c.created_at, t.c.id],
        params=params,
        key_of=lambda row: [row[0].created_at, row[0].id],
    )
    return [row[0] for row in rows], cursor


def get_trace_request(session: Session, request_id: str) -> TraceRequest | None:
    """The trace request with this id (its case says who may read it)."""
    return session.get(TraceRequest, request_id)


def events_of(session: Session, request_id: str) -> list[TraceRequestEvent]:
    """A trace request's status changes in order."""
    statement = (
        select(TraceRequestEvent)
        .where(trace_request_events.c.trace_request_id == request_id)
        .order_by(trace_request_events.c.id)
    )
    return list(session.execute(statement).scalars())


def transition(
    session: Session,
    *,
    request_id: str,
    from_status: str,
    to_status: str,
    values: dict[str, Any],
    event: TraceRequestEvent,
) -> bool:
    """Move the request from ``from_status`` to ``to_status`` (with ``values``) and append
    ``event``; False, writing nothing, when its status is no longer ``from_status``."""
    t = trace_requests
    moved = session.execute(
        update(t)
        .where(t.c.id == request_id, t.c.status == from_status)
        .values(status=to_status, **values)
    )
    if getattr(moved, "rowcount", 0) != 1:
        return False
    session.add(event)
    session.flush()
    return True


def manifest_item(
    session: Session, *, manifest_id: str, line: int, scope: ReadScope
) -> ManifestItem | None:
    """A manifest's item the caller may read (by contributing country and crossing date)."""
    mi = manifest_items
    statement = select(ManifestItem).where(
        mi.c.manifest_id == manifest_id,
        mi.c.line == line,
        scope.clause(mi.c.contributing_country, mi.c.crossing_date),
    )
    return session.execute(statement).scalars().first()


def declared_item(
    session: Session, *, declaration_id: str, item_index: int, scope: ReadScope
) -> tuple[DeclaredItem, IndexedDeclaration] | None:
    """An indexed declared item the caller may read, with its declaration."""
    di, d = declared_items, indexed_declarations
    statement = (
        select(DeclaredItem, IndexedDeclaration)
        .join(d, d.c.declaration_id == di.c.declaration_id)
        .where(
            di.c.declaration_id == declaration_id,
            di.c.item_index == item_index,
            scope.clause(di.c.declaring_country, di.c.event_date),
        )
    )
    row = session.execute(statement).first()
    return None if row is None else (row[0], row[1])


def traced_weapons(
    session: Session, *, scope: ReadScope, date_from: date | None, date_to: date | None
) -> int:
    """Distinct weapons (case items) whose origin an answered trace request established,
    among the records the caller may read (by their country and date)."""
    t = trace_requests
    statement = select(func.count(func.distinct(t.c.case_item_id))).where(
        t.c.outcome == "origin_established",
        scope.clause(t.c.record_country, t.c.record_date),
    )
    if date_from is not None:
        statement = statement.where(t.c.record_date >= date_from)
    if date_to is not None:
        statement = statement.where(t.c.record_date <= date_to)
    return int(session.execute(statement).scalar_one())


def trace_outcomes(
    session: Session, *, scope: ReadScope, date_from: date | None, date_to: date | None
) -> list[Row[Any]]:
    """Answered trace requests by outcome and kind of origin (``result``, ``kind``,
    ``requests``, ``weapons``: distinct case items), among the records the caller may
    read and dated in the range; established origins first."""
    t = trace_requests
    statement = select(
        t.c.outcome.label("result"),
        t.c.origin_kind.label("kind"),
        func.count().label("requests"),
        func.count(func.distinct(t.c.case_item_id)).label("weapons"),
    ).where(t.c.outcome.is_not(None), scope.clause(t.c.record_country, t.c.record_date))
    if date_from is not None:
        statement = statement.where(t.c.record_date >= date_from)
    if date_to is not None:
        statement = statement.where(t.c.record_date <= date_to)
    grouped = statement.group_by(t.c.outcome, t.c.origin_kind)
    return list(session.execute(grouped.order_by(t.c.outcome, t.c.origin_kind)).all())
