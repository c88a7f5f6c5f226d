"""Statistics by an attribute of the items (calibre, maker, year of manufacture, presumed
user): sums of the daily attribute counts of manifest and declared items, GROUP BY over
lost items.

Each query answers one row per (value, spelling) pair: the service adds them up per value
and picks the label to show."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Table, func, null, select
from sqlalchemy.engine import Row
from sqlmodel import Session

from services.common.security import ReadScope
from services.registry.models.daily_counts import (
    declared_item_daily_attributes,
    manifest_item_daily_attributes,
)
from services.registry.models.handles import armed_groups, loss_items


def _attribute_counts(
    session: Session,
    table: Table,
    attribute: str,
    visible: ColumnElement[bool],
    date_col: ColumnElement[Any],
    date_from: date | None,
    date_to: date | None,
) -> list[Row[Any]]:
    statement = select(
        # The daily attributes store "not recorded" as '' (models/daily_counts.py).
        func.nullif(table.c.value, "").label("key"),
        table.c.label,
        func.sum(table.c.records).label("records"),
        func.sum(table.c.quantity).label("quantity"),
        func.sum(table.c.mass_grams).label("mass_grams"),
    ).where(table.c.attribute == attribute, visible)
    if date_from is not None:
        statement = statement.where(date_col >= date_from)
    if date_to is not None:
        statement = statement.where(date_col <= date_to)
    return list(session.execute(statement.group_by(table.c.value, table.c.label)).all())


def manifest_attribute_counts(
    session: Session,
    *,
    attribute: str,
    scope: ReadScope,
    date_from: date | None,
    date_to: date | None,
) -> list[Row[Any]]:
    """Item rows, quantities and mass of the manifests ``scope`` may read, per value of
    ``attribute`` (calibre, manufacturer, year_of_manufacture) and spelling."""
    t = manifest_item_daily_attributes
    return _attribute_counts(
        session,
        t,
        attribute,
        scope.clause(t.c.contributing_country, t.c.crossing_date),
        t.c.crossing_date,
        date_from,
        date_to,
    )


def declared_attribute_counts(
    session: Session,
    *,
    attribute: str,
    scope: ReadScope,
    date_from: date | None,
    date_to: date | None,
) -> list[Row[Any]]:
    """Item rows, quantities and mass of the indexed declarations ``scope`` may read, per
    value of ``attribute`` (calibre, manufacturer, year_of_manufacture, presumed_user)
    and spelling."""
    t = declared_item_daily_attributes
    return _attribute_counts(
        session,
        t,
        attribute,
        scope.clause(t.c.declaring_country, t.c.event_date),
        t.c.event_date,
        date_from,
        date_to,
    )


def loss_attribute_counts(
    session: Session,
    *,
    attribute: str,
    scope: ReadScope,
    date_from: date | None,
    date_to: date | None,
) -> list[Row[Any]]:
    """Lost item rows and quantities of the loss reports ``scope`` may read, per value of
    ``attribute`` (calibre, manufacturer by match key; a loss records no year of
    manufacture: one group, not recorded) and spelling."""
    li = loss_items
    keys: dict[str, tuple[ColumnElement[Any], ColumnElement[Any]]] = {
        "calibre": (li.c.calibre_key, li.c.calibre),
        "manufacturer": (li.c.manufacturer_key, li.c.manufacturer),
    }
    key, spelling = keys.get(attribute, (null(), null()))
    statement = select(
        (func.nullif(key, "") if attribute in keys else null()).label("key"),
        spelling.label("label"),
        func.count().label("records"),
        func.sum(li.c.quantity).label("quantity"),
    ).where(scope.clause(li.c.contributing_country, li.c.loss_date))
    if date_from is not None:
        statement = statement.where(li.c.loss_date >= date_from)
    if date_to is not None:
        statement = statement.where(li.c.loss_date <= date_to)
    if attribute not in keys:
        # An aggregate without GROUP BY gives a row even over no rows: left out.
        return [row for row in session.execute(statement).all() if row.records]
    return list(session.execute(statement.group_by(key, spelling)).all())


def armed_group_names(session: Session, codes: list[str]) -> dict[str, str]:
    """The names of these listed armed groups (a reference list: no state's records)."""
    t = armed_groups
    found = session.execute(select(t.c.code, t.c.name).where(t.c.code.in_(codes)))
    return {str(row.code): str(row.name) for row in found}
