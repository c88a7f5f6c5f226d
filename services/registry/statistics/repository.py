"""Statistics queries: sums of the daily counts of manifest and declared items, GROUP BY
over lost items and the people of DDR collections, and map points of declarations and
losses."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    case,
    cast,
    extract,
    func,
    null,
    or_,
    select,
)
from sqlalchemy.engine import Row
from sqlmodel import Session

from services.common.security import ReadScope
from services.registry.models import IndexedDeclaration, LossReport
from services.registry.models.daily_counts import (
    declared_item_daily_counts,
    declared_item_daily_totals,
    manifest_item_daily_counts,
    manifest_item_daily_totals,
)
from services.registry.models.handles import indexed_declarations, loss_items, loss_reports
from services.registry.models.index import DDR_PEOPLE_CELLS

# What the daily totals (per day, country, mission and type) answer; the other groupings
# read the daily counts, keyed by every grouped column.
_TOTAL_GROUPINGS = frozenset({"country", "mission", "year", "type"})


def _recorded(value: ColumnElement[Any]) -> ColumnElement[Any]:
    # The daily counts store "not recorded" as '' (models/daily_counts.py).
    return func.nullif(value, "")


def _manifest_key(group_by: str, mc: Table) -> ColumnElement[Any]:
    # mc: the daily totals (country, mission, year, type) or the daily counts.
    totals: dict[str, ColumnElement[Any]] = {
        "country": mc.c.contributing_country,
        "mission": mc.c.mission_code,
        "year": cast(extract("year", mc.c.crossing_date), String),
        "type": case((mc.c.direction == "in", "manifest_in"), else_="manifest_out"),
    }
    if group_by in totals:
        return totals[group_by]
    counts: dict[str, ColumnElement[Any]] = {
        "category": _recorded(mc.c.category),
        "kind": mc.c.kind,
        "item_type": _recorded(mc.c.item_type),
        # Manifests take whole serials only.
        "serial_status": case((mc.c.kind == "weapon", "present")),
    }
    return counts[group_by]


def _declared_key(group_by: str, dc: Table) -> ColumnElement[Any]:
    # dc: the daily totals (country, mission, year, type) or the daily counts.
    totals: dict[str, ColumnElement[Any]] = {
        "country": dc.c.declaring_country,
        "mission": _recorded(dc.c.mission_code),
        "year": cast(extract("year", dc.c.event_date), String),
        "type": dc.c.declaration_type,
    }
    if group_by in totals:
        return totals[group_by]
    counts: dict[str, ColumnElement[Any]] = {
        "category": _recorded(dc.c.category),
        "kind": dc.c.kind,
        "item_type": _recorded(dc.c.item_type),
        # Stored as statistics read it: a weapon's status, present when not recorded.
        "serial_status": _recorded(dc.c.serial_status),
    }
    return counts[group_by]


def _loss_key(group_by: str) -> ColumnElement[Any] | None:
    li, lr = loss_items, loss_reports
    keys: dict[str, ColumnElement[Any] | None] = {
        "country": li.c.contributing_country,
        "mission": li.c.mission_code,
        # Lost items name the declared weapon or lot, not its category or type.
        "category": None,
        "kind": li.c.kind,
        "item_type": None,
        # Only whole serials are declared in, so only they can be reported lost.
        "serial_status": case((li.c.kind == "weapon", "present")),
        "year": cast(extract("year", li.c.loss_date), String),
        "type": lr.c.loss_type,
        "circumstance": lr.c.circumstance,
    }
    return keys[group_by]


def _counts(
    session: Session,
    table: Table,
    key: ColumnElement[Any],
    date_col: ColumnElement[Any],
    visible: ColumnElement[bool],
    date_from: date | None,
    date_to: date | None,
) -> list[Row[Any]]:
    # Sums of the daily counts: a few rows per day and group instead of every item row.
    statement = select(
        key.label("key"),
        func.sum(table.c.records).label("records"),
        func.sum(table.c.quantity).label("quantity"),
        func.sum(table.c.mass_grams).label("mass_grams"),
    ).where(visible)
    if date_from is not None:
        statement = statement.where(date_col >= date_from)
    if date_to is not None:
        statement = statement.where(date_col <= date_to)
    return list(session.execute(statement.group_by(key).order_by(key)).all())


def manifest_counts(
    session: Session,
    *,
    group_by: str,
    scope: ReadScope,
    date_from: date | None,
    date_to: date | None,
) -> list[Row[Any]]:
    """Item rows and quantities of the manifests ``scope`` may read, per group (from the
    daily totals or counts)."""
    mc = manifest_item_daily_totals if group_by in _TOTAL_GROUPINGS else manifest_item_daily_counts
    return _counts(
        session,
        mc,
        _manifest_key(group_by, mc),
        mc.c.crossing_date,
        scope.clause(mc.c.contributing_country, mc.c.crossing_date),
        date_from,
        date_to,
    )


def declared_counts(
    session: Session,
    *,
    group_by: str,
    scope: ReadScope,
    date_from: date | None,
    date_to: date | None,
) -> list[Row[Any]]:
    """Item rows and quantities of the indexed declarations ``scope`` may read, per group
    (from the daily totals or counts)."""
    dc = declared_item_daily_totals if group_by in _TOTAL_GROUPINGS else declared_item_daily_counts
    return _counts(
        session,
        dc,
        _declared_key(group_by, dc),
        dc.c.event_date,
        scope.clause(dc.c.declaring_country, dc.c.event_date),
        date_from,
        date_to,
    )


def loss_counts(
    session: Session,
    *,
    group_by: str,
    scope: ReadScope,
    date_from: date | None,
    date_to: date | None,
) -> list[Row[Any]]:
    """Lost item rows and quantities of the loss reports ``scope`` may read, per group."""
    li, lr = loss_items, loss_reports
    key = _loss_key(group_by)
    statement = (
        select(
            (key if key is not None else null()).label("key"),
            func.count().label("records"),
            func.sum(li.c.quantity).label("quantity"),
        )
        .select_from(li.join(lr, lr.c.id == li.c.loss_report_id))
        .where(scope.clause(li.c.contributing_country, li.c.loss_date))
    )
    if date_from is not None:
        statement = statement.where(li.c.loss_date >= date_from)
    if date_to is not None:
        statement = statement.where(li.c.loss_date <= date_to)
    if key is None:
        # One group, "not recorded": an aggregate without GROUP BY gives a row even over
        # no rows, which is left out.
        return [row for row in session.execute(statement).all() if row.records]
    return list(session.execute(statement.group_by(key).order_by(key)).all())


def ddr_people_counts(
    session: Session,
    *,
    group_by: str,
    scope: ReadScope,
    date_from: date | None,
    date_to: date | None,
) -> list[Row[Any]]:
    """Per group (country, mission, year or type), the DDR collections ``scope`` may read
    that give people figures, and the sum of each figure."""
    t = indexed_declarations
    keys: dict[str, ColumnElement[Any]] = {
        "country": t.c.declaring_country,
        "mission": t.c.mission_code,
        "year": cast(extract("year", t.c.event_date), String),
        "type": t.c.declaration_type,
    }
    key = keys[group_by]
    cells = [t.c[f"ddr_{cell}"] for cell in DDR_PEOPLE_CELLS]
    statement = select(
        key.label("key"),
        func.count().label("collections"),
        *(
            func.sum(column).label(cell)
            for column, cell in zip(cells, DDR_PEOPLE_CELLS, strict=True)
        ),
    ).where(
        t.c.disposed.is_(False),
        or_(*(column.is_not(None) for column in cells)),
        scope.clause(t.c.declaring_country, t.c.event_date),
    )
    if date_from is not None:
        statement = statement.where(t.c.event_date >= date_from)
    if date_to is not None:
        statement = statement.where(t.c.event_date <= date_to)
    return list(session.execute(statement.group_by(key).order_by(key)).all())


def loss_points(
    session: Session,
    *,
    scope: ReadScope,
    date_from: date | None,
    date_to: date | None,
    limit: int,
    mission: str | None = None,
) -> list[LossReport]:
    """Loss reports with coordinates ``scope`` may read (of ``mission``), oldest first, at
    most ``limit``."""
    t = loss_reports
    statement = select(LossReport).where(*_located_losses(scope, mission))
    if date_from is not None:
        statement = statement.where(t.c.loss_date >= date_from)
    if date_to is not None:
        statement = statement.where(t.c.loss_date <= date_to)
    statement = statement.order_by(t.c.loss_date, t.c.id).limit(limit)
    return list(session.execute(statement).scalars())


def _located_losses(scope: ReadScope, mission: str | None) -> list[ColumnElement[bool]]:
    r = loss_reports
    conditions = [
        r.c.lat.is_not(None),
        r.c.lon.is_not(None),
        scope.clause(r.c.contributing_country, r.c.loss_date),
    ]
    if mission is not None:
        conditions.append(r.c.mission_code == mission)
    return conditions


def _located_declarations(
    scope: ReadScope,
    declaration_type: str | None,
    mission: str | None,
    presumed_user: str | None,
) -> list[ColumnElement[bool]]:
    d = indexed_declarations
    conditions = [
        d.c.disposed.is_(False),
        d.c.lat.is_not(None),
        d.c.lon.is_not(None),
        scope.clause(d.c.declaring_country, d.c.event_date),
    ]
    if declaration_type is not None:
        conditions.append(d.c.declaration_type == declaration_type)
    if mission is not None:
        conditions.append(d.c.mission_code == mission)
    if presumed_user is not None:
        # The presumed user as statistics name it: the armed group it resolved to, else
        # the kind of user declared.
        conditions.append(func.coalesce(d.c.armed_group, d.c.presumed_user_kind) == presumed_user)
    return conditions


def point_years(
    session: Session,
    *,
    scope: ReadScope,
    date_from: date | None,
    date_to: date | None,
    declaration_type: str | None,
    mission: str | None = None,
    presumed_user: str | None = None,
) -> list[int]:
    """The years of the located, not disposed declarations (of ``declaration_type``, or
    ``loss``: none) and located losses (unless a declaration type or a presumed user is
    asked for: a loss has none) that ``scope`` may read in the range, of ``mission`` and
    ``presumed_user`` when given, oldest first.

    Read year by year: the earliest record on or after the first of January of the year
    after the last one found, through the located records' date indexes: one short index
    probe per year with a record, however many records each year holds (the filters are
    conditions on the rows the probe meets)."""
    years: set[int] = set()
    if declaration_type != "loss":
        conditions = _located_declarations(scope, declaration_type, mission, presumed_user)
        years |= _years(session, indexed_declarations.c.event_date, conditions, date_from, date_to)
    if declaration_type in (None, "loss") and presumed_user is None:
        conditions = _located_losses(scope, mission)
        years |= _years(session, loss_reports.c.loss_date, conditions, date_from, date_to)
    return sorted(years)


def _years(
    session: Session,
    column: ColumnElement[Any],
    conditions: list[ColumnElement[bool]],
    first: date | None,
    last: date | None,
) -> set[int]:
    found: set[int] = set()
    while True:
        earliest = session.execute(
            select(func.min(column)).where(*conditions, *_within(column, first, last))
        ).scalar()
        if earliest is None:
            return found
        found.add(earliest.year)
        if earliest.year >= date.max.year:
            return found
        first = date(earliest.year + 1, 1, 1)


def _within(column: ColumnElement[Any], first: date | None, last: date | None) -> list[Any]:
    found = []
    if first is not None:
        found.append(column >= first)
    if last is not None:
        found.append(column <= last)
    return found


def declaration_points(
    session: Session,
    *,
    scope: ReadScope,
    date_from: date | None,
    date_to: date | None,
    declaration_type: str | None,
    limit: int,
    mission: str | None = None,
    presumed_user: str | None = None,
) -> list[IndexedDeclaration]:
    """Located, not disposed declarations ``scope`` may read (of ``declaration_type``,
    ``mission`` and ``presumed_user`` when given), oldest first, at most ``limit``."""
    t = indexed_declarations
    statement = select(IndexedDeclaration).where(
        *_located_declarations(scope, declaration_type, mission, presumed_user)
    )
    if date_from is not None:
        statement = statement.where(t.c.event_date >= date_from)
    if date_to is not None:
        statement = statement.where(t.c.event_date <= date_to)
    statement = statement.order_by(t.c.event_date, t.c.declaration_id).limit(limit)
    return list(session.execute(statement).scalars())
