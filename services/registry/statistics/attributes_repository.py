"""Statistics by an attribute of the items (calibre, maker, year of manufacture, presumed
user): sums of the daily attribute counts of manifest and declared items, GROUP BY over
lost items.

Each query answers one row per (value, spelling) pair: the service adds them up per value
and picks the label to show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    false,
    func,
    not_,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.engine import Row
from sqlmodel import Session

from services.common.security import ReadScope
from services.registry.models.daily_counts import (
    declared_item_daily_attributes,
    declared_item_monthly_attributes,
    manifest_item_daily_attributes,
    manifest_item_monthly_attributes,
)
from services.registry.models.handles import armed_groups, loss_items


@dataclass(frozen=True)
class WholeMonths:
    """The months a statistics query reads from the monthly counts: from ``first`` to
    ``last`` (their first days; None: open), except ``partial``, the months in which a
    membership of the caller's community begins or ends (read day by day)."""

    first: date | None
    last: date | None
    partial: frozenset[date]

    def covers(self, day: ColumnElement[Any]) -> ColumnElement[bool]:
        """True for a day of the daily counts that the monthly counts already hold."""
        conditions: list[ColumnElement[bool]] = []
        if self.first is not None:
            conditions.append(day >= self.first)
        if self.last is not None:
            conditions.append(day < _next_month(self.last))
        for month in sorted(self.partial):
            conditions.append(or_(day < month, day >= _next_month(month)))
        return and_(true(), *conditions)

    def holds(self, month: ColumnElement[Any]) -> ColumnElement[bool]:
        """True for a row of the monthly counts this query reads."""
        conditions: list[ColumnElement[bool]] = []
        if self.first is not None:
            conditions.append(month >= self.first)
        if self.last is not None:
            conditions.append(month <= self.last)
        if self.partial:
            conditions.append(month.not_in(sorted(self.partial)))
        return and_(true(), *conditions)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def whole_months(scope: ReadScope, date_from: date | None, date_to: date | None) -> WholeMonths:
    """The whole months of ``date_from``..``date_to`` that read alike on every day for
    ``scope`` (no membership begins or ends inside them)."""
    first = None
    if date_from is not None:
        first = date_from if date_from.day == 1 else _next_month(date_from.replace(day=1))
    last = None
    if date_to is not None:
        month = date_to.replace(day=1)
        ends_month = _next_month(month) - timedelta(days=1) == date_to
        last = month if ends_month else (month - timedelta(days=1)).replace(day=1)
    partial: set[date] = set()
    if not scope.everything:
        for period in scope.periods:
            partial.add(period.joined.replace(day=1))
            if period.left is not None:
                partial.add(period.left.replace(day=1))
    return WholeMonths(first, last, frozenset(partial))


def _attribute_counts(
    session: Session,
    tables: tuple[Table, Table],
    country: str,
    date_column: str,
    *,
    attribute: str,
    scope: ReadScope,
    date_from: date | None,
    date_to: date | None,
) -> list[Row[Any]]:
    # ``tables``: the daily and monthly counts of one register, whose country column is
    # ``country`` and whose daily date column is ``date_column``.
    daily, monthly = tables
    date_col = daily.c[date_column]
    months = whole_months(scope, date_from, date_to)
    visible = (
        scope.clause(daily.c[country], date_col),
        scope.clause(monthly.c[country], monthly.c.month),
    )
    from_months: ColumnElement[bool]
    from_days: ColumnElement[bool]
    if months.first is not None and months.last is not None and months.first > months.last:
        # No whole month in the range: every day from the daily counts.
        from_months, from_days = false(), visible[0]
    else:
        from_months = and_(visible[1], months.holds(monthly.c.month))
        from_days = and_(visible[0], not_(months.covers(date_col)))
    in_range = []
    if date_from is not None:
        in_range.append(date_col >= date_from)
    if date_to is not None:
        in_range.append(date_col <= date_to)
    parts = [
        select(
            # "Not recorded" is stored as '' (models/daily_counts.py).
            func.nullif(table.c.value, "").label("key"),
            table.c.label,
            table.c.records,
            table.c.quantity,
            table.c.mass_grams,
        ).where(table.c.attribute == attribute, *condition)
        for table, condition in ((monthly, [from_months]), (daily, [from_days, *in_range]))
    ]
    both = union_all(*parts).subquery("counted")
    statement = select(
        both.c.key,
        both.c.label,
        func.sum(both.c.records).label("records"),
        func.sum(both.c.quantity).label("quantity"),
        func.sum(both.c.mass_grams).label("mass_grams"),
    ).group_by(both.c.key, both.c.label)
    return list(session.execute(statement).all())


def manifest_attribute_counts(
    session: Session,
    *,
    attribute: str,
    scope: ReadScope,
    date_from: date | None,
    date_to: date | None,
) -> list[Row[Any]]:
    """Item rows, quantities and mass of the manifests ``scope`` may read, per value of
    ``attribute`` (calibre, manufacturer, year_of_manufacture) and spelling: the monthly
    counts for the range's whole months, the daily counts for the rest."""
    return _attribute_counts(
        session,
        (manifest_item_daily_attributes, manifest_item_monthly_attributes),
        "contributing_country",
        "crossing_date",
        attribute=attribute,
        scope=scope,
        date_from=date_from,
        date_to=date_to,
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
    and spelling: the monthly counts for the range's whole months, the daily for the rest."""
    return _attribute_counts(
        session,
        (declared_item_daily_attributes, declared_item_monthly_attributes),
        "declaring_country",
        "event_date",
        attribute=attribute,
        scope=scope,
        date_from=date_from,
        date_to=date_to,
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
