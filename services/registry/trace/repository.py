"""Trace queries: candidate rows of the three sources by indexed serial keys, within tenancy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, func, literal, or_, select
from sqlalchemy.engine import Row
from sqlmodel import Session

from services.registry.ledger import declared_items, loss_items, manifest_items
from services.registry.models import LossReport

loss_reports = LossReport.__table__  # type: ignore[attr-defined]
# Keys hold only letters and digits, so no key starting with the prefix sorts above this.
_TOP = "\uffff"


def key_matches(
    session: Session,
    column: ColumnElement[Any],
    *,
    keys: Sequence[str] = (),
    like: str | None = None,
) -> ColumnElement[bool]:
    """``column`` equal to one of ``keys`` (one array parameter on PostgreSQL), or LIKE a
    wildcard pattern, bounded by its literal prefix so a B-tree range serves it."""
    if like is not None:
        prefix = like.split("%", 1)[0].split("_", 1)[0]
        condition: ColumnElement[bool] = column.like(like)
        if prefix:
            condition = and_(column >= prefix, column < prefix + _TOP, condition)
        return condition
    if session.get_bind().dialect.name == "postgresql":
        # IN (SELECT unnest(...)): one text parameter (keys are letters and digits, so a
        # comma separates them safely and the driver has no array to escape), a nested
        # loop of index probes, and none of the per-element selectivity estimates that
        # "= ANY(array)" costs the planner.
        joined = literal(",".join(keys), String())
        keyset = select(func.unnest(func.string_to_array(joined, ",")))
        return column.in_(keyset.scalar_subquery())
    return column.in_(list(keys))


def _closest_first(column: ColumnElement[Any], key: str | None) -> ColumnElement[int]:
    """Rows whose match key is the query's (exact or normalized matches) sort before the
    near misses, so a page filled with a contingent's consecutive serials keeps them."""
    if key is None:
        return literal(0)
    return case((column == key, 0), else_=1)


def manifest_candidates(
    session: Session,
    *,
    match: ColumnElement[bool],
    visible: ColumnElement[bool],
    manufacturer_key: str | None,
    serial_key: str | None,
    limit: int,
) -> list[Row[Any]]:
    """Manifest items (in and out) whose serial key matches: closest, then oldest first."""
    mi = manifest_items
    statement = select(
        mi.c.manifest_id.label("record_id"),
        mi.c.line,
        mi.c.direction,
        mi.c.crossing_date.label("record_date"),
        mi.c.contributing_country.label("country"),
        mi.c.mission_code,
        mi.c.unit,
        mi.c.kind,
        mi.c.category,
        mi.c.manufacturer,
        mi.c.manufacturer_key,
        mi.c.model,
        mi.c.calibre,
        mi.c.serial_number,
        mi.c.year_of_manufacture,
    ).where(match, visible)
    if manufacturer_key is not None:
        statement = statement.where(
            or_(mi.c.manufacturer_key == manufacturer_key, mi.c.manufacturer_key.is_(None))
        )
    statement = statement.order_by(
        _closest_first(mi.c.serial_key, serial_key), mi.c.crossing_date, mi.c.id
    ).limit(limit)
    return list(session.execute(statement).all())


def loss_candidates(
    session: Session,
    *,
    match: ColumnElement[bool],
    visible: ColumnElement[bool],
    manufacturer_key: str | None,
    serial_key: str | None,
    limit: int,
) -> list[Row[Any]]:
    """Loss-report items whose serial key matches (closest, then oldest first), with the
    report's place."""
    li, lr = loss_items, loss_reports
    statement = (
        select(
            li.c.loss_report_id.label("record_id"),
            li.c.line,
            li.c.loss_date.label("record_date"),
            li.c.contributing_country.label("country"),
            li.c.mission_code,
            lr.c.unit,
            lr.c.loss_type,
            lr.c.place,
            li.c.kind,
            li.c.manufacturer,
            li.c.manufacturer_key,
            li.c.model,
            li.c.calibre,
            li.c.serial_number,
        )
        .join(lr, lr.c.id == li.c.loss_report_id)
        .where(match, visible)
    )
    if manufacturer_key is not None:
        statement = statement.where(
            or_(li.c.manufacturer_key == manufacturer_key, li.c.manufacturer_key.is_(None))
        )
    statement = statement.order_by(
        _closest_first(li.c.serial_key, serial_key), li.c.loss_date, li.c.id
    ).limit(limit)
    return list(session.execute(statement).all())


def declared_candidates(
    session: Session,
    *,
    match: ColumnElement[bool],
    visible: ColumnElement[bool],
    manufacturer_key: str | None,
    serial_key: str | None,
    limit: int,
) -> list[Row[Any]]:
    """Declared items (seizures, collections, destructions) whose key matches: closest,
    then oldest first."""
    di = declared_items
    statement = select(
        di.c.declaration_id.label("record_id"),
        di.c.item_index.label("line"),
        di.c.declaration_version,
        di.c.declaration_type,
        di.c.event_date.label("record_date"),
        di.c.declaring_country.label("country"),
        di.c.mission_code,
        di.c.location_country,
        di.c.place,
        di.c.lat,
        di.c.lon,
        di.c.kind,
        di.c.category,
        di.c.manufacturer,
        di.c.manufacturer_key,
        di.c.model,
        di.c.calibre,
        di.c.serial_number,
        di.c.year_of_manufacture,
    ).where(match, visible)
    if manufacturer_key is not None:
        statement = statement.where(
            or_(di.c.manufacturer_key == manufacturer_key, di.c.manufacturer_key.is_(None))
        )
    statement = statement.order_by(
        _closest_first(di.c.serial_key, serial_key), di.c.event_date, di.c.id
    ).limit(limit)
    return list(session.execute(statement).all())
