"""Keeping the daily counts and totals exact: per table, one grouped upsert per batch of
items inserted, one grouped decrement before a declaration's items are deleted.

Each statement groups the batch's rows in SQL (never per row in Python) and runs in the
transaction that inserts or deletes them, so a count can never disagree with the items:
both commit or neither does. The upsert takes its rows in key order, so two transactions
adding to the same counts lock them in the same order and cannot deadlock each other.
(The decrement locks in the order the database joins: two deliveries replacing
declarations of the same country and day at the same moment could deadlock: PostgreSQL
then refuses one, answered 503 with Retry-After, and the relay delivers it again.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, case, delete, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session

from services.registry.models.daily_counts import (
    declared_item_daily_counts,
    declared_item_daily_totals,
    manifest_item_daily_counts,
    manifest_item_daily_totals,
)
from services.registry.models.handles import declared_items, manifest_items

SUMS = ("records", "quantity", "mass_grams")
_MASS_UNITS = ("kg", "g")
# The totals are keyed by the first four keys of the counts (country, date, mission and
# direction or declaration type).
_TOTAL_KEYS = 4


def _not_recorded(value: ColumnElement[Any]) -> ColumnElement[Any]:
    # A unique key holds two NULLs distinct: "not recorded" is stored as ''.
    return func.coalesce(value, "")


def _sums(table: Table) -> list[ColumnElement[Any]]:
    unit, quantity = table.c.quantity_unit, table.c.quantity
    # Explosives weighed in kilograms or grams are summed as a mass, never as a count.
    return [
        func.count().label("records"),
        func.sum(case((unit.in_(_MASS_UNITS), 0), else_=quantity)).label("quantity"),
        func.sum(case((unit == "g", quantity), (unit == "kg", quantity * 1000), else_=0)).label(
            "mass_grams"
        ),
    ]


def _manifest_keys() -> list[ColumnElement[Any]]:
    mi = manifest_items
    return [
        mi.c.contributing_country.label("contributing_country"),
        mi.c.crossing_date.label("crossing_date"),
        mi.c.mission_code.label("mission_code"),
        mi.c.direction.label("direction"),
        mi.c.kind.label("kind"),
        _not_recorded(mi.c.category).label("category"),
        func.coalesce(mi.c.ordnance_type, mi.c.explosive_type, "").label("item_type"),
    ]


def _declared_keys() -> list[ColumnElement[Any]]:
    di = declared_items
    return [
        di.c.declaring_country.label("declaring_country"),
        di.c.event_date.label("event_date"),
        _not_recorded(di.c.mission_code).label("mission_code"),
        di.c.declaration_type.label("declaration_type"),
        di.c.kind.label("kind"),
        _not_recorded(di.c.category).label("category"),
        func.coalesce(di.c.ordnance_type, di.c.explosive_type, "").label("item_type"),
        # A weapon's serial status not recorded reads as present; other kinds have none.
        case(
            (di.c.kind == "weapon", func.coalesce(di.c.serial_status, "present")), else_=literal("")
        ).label("serial_status"),
    ]


def _upsert(
    session: Session,
    counts: Table,
    keys: list[ColumnElement[Any]],
    items: Table,
    batch: ColumnElement[bool],
) -> None:
    grouped = (
        select(*keys, *_sums(items))
        .where(batch)
        .group_by(*keys)
        .order_by(*keys)  # the same lock order in every transaction
    )
    columns = [key.name for key in keys] + list(SUMS)
    dialect = session.connection().dialect.name
    statement: Insert
    if dialect == "postgresql":
        pg = postgresql.insert(counts).from_select(columns, grouped)
        statement = pg.on_conflict_do_update(
            index_elements=[key.name for key in keys],
            set_={name: counts.c[name] + pg.excluded[name] for name in SUMS},
        )
    else:
        lite = sqlite.insert(counts).from_select(columns, grouped)
        statement = lite.on_conflict_do_update(
            index_elements=[key.name for key in keys],
            set_={name: counts.c[name] + lite.excluded[name] for name in SUMS},
        )
    session.execute(statement)


# tenancy: write path: the manifest's own items, just inserted by create_manifest
def add_manifest_items(session: Session, manifest_ids: Sequence[str]) -> None:
    """Add the just-inserted items of these manifests to the daily counts."""
    mi = manifest_items
    batch = mi.c.manifest_id.in_(list(manifest_ids))
    keys = _manifest_keys()
    _upsert(session, manifest_item_daily_counts, keys, mi, batch)
    _upsert(session, manifest_item_daily_totals, keys[:_TOTAL_KEYS], mi, batch)


# tenancy: write path of the index feed: the declaration's own items, just inserted
def add_declared_items(session: Session, declaration_id: str) -> None:
    """Add the just-inserted items of this declaration to the daily counts."""
    di = declared_items
    batch = di.c.declaration_id == declaration_id
    keys = _declared_keys()
    _upsert(session, declared_item_daily_counts, keys, di, batch)
    _upsert(session, declared_item_daily_totals, keys[:_TOTAL_KEYS], di, batch)


# tenancy: write path of the index feed: the declaration's own items, about to be deleted
def remove_declared_items(session: Session, declaration_id: str) -> None:
    """Take this declaration's items, about to be deleted, out of the daily counts and
    totals; those left at zero are deleted (a statistics group with no item is not
    shown)."""
    di = declared_items
    header = (
        select(di.c.declaring_country, di.c.event_date)
        .where(di.c.declaration_id == declaration_id)
        .limit(1)
    )
    found = session.execute(header).first()
    if found is None:
        return
    keys = _declared_keys()
    for counts, counted_by in (
        (declared_item_daily_counts, keys),
        (declared_item_daily_totals, keys[:_TOTAL_KEYS]),
    ):
        grouped = (
            select(*counted_by, *_sums(di))
            .where(di.c.declaration_id == declaration_id)
            .group_by(*counted_by)
            .subquery("leaving")
        )
        same_key = and_(*(counts.c[key.name] == grouped.c[key.name] for key in counted_by))
        session.execute(
            update(counts)
            .where(same_key)
            .values({name: counts.c[name] - grouped.c[name] for name in SUMS})
        )
        # Every item of a declaration shares its country and date: the emptied rows are there.
        session.execute(
            delete(counts).where(
                counts.c.declaring_country == found.declaring_country,
                counts.c.event_date == found.event_date,
                counts.c.records == 0,
            )
        )
