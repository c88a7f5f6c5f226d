"""Statistics queries: GROUP BY over manifest items, declared items, lost items and the
people of DDR collections, and map points of declarations and losses."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, String, Table, case, cast, extract, func, null, or_, select
from sqlalchemy.engine import Row
from sqlmodel import Session

from services.common.security import ReadScope
from services.registry.models import IndexedDeclaration, LossReport
from services.registry.models.handles import (
    declared_items,
    indexed_declarations,
    loss_items,
    loss_reports,
    manifest_items,
)
from services.registry.models.index import DDR_PEOPLE_CELLS


def _manifest_key(group_by: str) -> ColumnElement[Any]:
    mi = manifest_items
    keys: dict[str, ColumnElement[Any]] = {
        "country": mi.c.contributing_country,
        "mission": mi.c.mission_code,
        "category": mi.c.category,
        "kind": mi.c.kind,
        "item_type": func.coalesce(mi.c.ordnance_type, mi.c.explosive_type),
        # Manifests take whole serials only.
        "serial_status": case((mi.c.kind == "weapon", "present")),
        "year": cast(extract("year", mi.c.crossing_date), String),
        "type": case((mi.c.direction == "in", "manifest_in"), else_="manifest_out"),
    }
    return keys[group_by]


def _declared_key(group_by: str) -> ColumnElement[Any]:
    di = declared_items
    keys: dict[str, ColumnElement[Any]] = {
        "country": di.c.declaring_country,
        "mission": di.c.mission_code,
        "category": di.c.category,
        "kind": di.c.kind,
        "item_type": func.coalesce(di.c.ordnance_type, di.c.explosive_type),
        "serial_status": case(
            (di.c.kind == "weapon", func.coalesce(di.c.serial_status, "present"))
        ),
        "year": cast(extract("year", di.c.event_date), String),
        "type": di.c.declaration_type,
    }
    return keys[group_by]


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
    unit = table.c.quantity_unit
    # Explosives weighed in kilograms or grams are summed as a mass, never as a count.
    statement = select(
        key.label("key"),
        func.count().label("records"),
        func.sum(case((unit.in_(("kg", "g")), 0), else_=table.c.quantity)).label("quantity"),
        func.sum(
            case((unit == "g", table.c.quantity), (unit == "kg", table.c.quantity * 1000))
        ).label("mass_grams"),
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
    """Item rows and quantities of the manifests ``scope`` may read, per group."""
    mi = manifest_items
    return _counts(
        session,
        mi,
        _manifest_key(group_by),
        mi.c.crossing_date,
        scope.clause(mi.c.contributing_country, mi.c.crossing_date),
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
    """Item rows and quantities of the indexed declarations ``scope`` may read, per group."""
    di = declared_items
    return _counts(
        session,
        di,
        _declared_key(group_by),
        di.c.event_date,
        scope.clause(di.c.declaring_country, di.c.event_date),
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
) -> list[LossReport]:
    """Loss reports with coordinates ``scope`` may read, oldest first, at most ``limit``."""
    t = loss_reports
    statement = select(LossReport).where(
        t.c.lat.is_not(None),
        t.c.lon.is_not(None),
        scope.clause(t.c.contributing_country, t.c.loss_date),
    )
    if date_from is not None:
        statement = statement.where(t.c.loss_date >= date_from)
    if date_to is not None:
        statement = statement.where(t.c.loss_date <= date_to)
    statement = statement.order_by(t.c.loss_date, t.c.id).limit(limit)
    return list(session.execute(statement).scalars())


def declaration_points(
    session: Session,
    *,
    scope: ReadScope,
    date_from: date | None,
    date_to: date | None,
    declaration_type: str | None,
    limit: int,
) -> list[IndexedDeclaration]:
    """Located, not disposed declarations ``scope`` may read, oldest first, at most
    ``limit``."""
    t = indexed_declarations
    statement = select(IndexedDeclaration).where(
        t.c.disposed.is_(False),
        t.c.lat.is_not(None),
        t.c.lon.is_not(None),
        scope.clause(t.c.declaring_country, t.c.event_date),
    )
    if date_from is not None:
        statement = statement.where(t.c.event_date >= date_from)
    if date_to is not None:
        statement = statement.where(t.c.event_date <= date_to)
    if declaration_type is not None:
        statement = statement.where(t.c.declaration_type == declaration_type)
    statement = statement.order_by(t.c.event_date, t.c.declaration_id).limit(limit)
    return list(session.execute(statement).scalars())
