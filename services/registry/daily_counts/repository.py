"""Keeping the daily counts, totals and attributes exact: per table, one grouped upsert
per batch of items inserted, one grouped decrement before a declaration's items are
deleted.

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

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Date,
    Select,
    String,
    Table,
    and_,
    case,
    cast,
    delete,
    func,
    literal,
    literal_column,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session

from services.registry.models.daily_counts import (
    declared_item_daily_attributes,
    declared_item_daily_counts,
    declared_item_daily_totals,
    declared_item_monthly_attributes,
    manifest_item_daily_attributes,
    manifest_item_daily_counts,
    manifest_item_daily_totals,
    manifest_item_monthly_attributes,
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


# attribute -> (value, spelling as recorded: None where the value is all there is).
Attributes = dict[str, tuple[ColumnElement[Any], ColumnElement[Any] | None]]


def _grouped(
    keys: list[ColumnElement[Any]], items: Table, batch: ColumnElement[bool]
) -> Select[Any]:
    return select(*keys, *_sums(items)).where(batch).group_by(*keys)


def _by_attribute(
    keys: list[ColumnElement[Any]],
    attributes: Attributes,
    items: Table,
    batch: ColumnElement[bool],
) -> CompoundSelect[Any]:
    # Each attribute's (value, spelling) per totals' key, in one statement: every item
    # counts once under each attribute, under its value and its spelling as recorded.
    return union_all(
        *(
            select(
                literal_column(f"'{name}'", String).label("attribute"),
                *keys,
                value.label("value"),
                (literal_column("''", String) if spelling is None else spelling).label("label"),
                *_sums(items),
            )
            .where(batch)
            .group_by(*keys, value, *([] if spelling is None else [spelling]))
            for name, (value, spelling) in attributes.items()
        )
    )


def _key_names(grouped: Select[Any] | CompoundSelect[Any]) -> list[str]:
    names: list[str] = list(grouped.selected_columns.keys())
    return [name for name in names if name not in SUMS]


def _upsert(session: Session, counts: Table, grouped: Select[Any] | CompoundSelect[Any]) -> None:
    keys = _key_names(grouped)
    columns = list(grouped.selected_columns.keys())
    # The same lock order in every transaction.
    ordered = grouped.order_by(*(literal_column(name) for name in keys))
    dialect = session.connection().dialect.name
    statement: Insert
    if dialect == "postgresql":
        pg = postgresql.insert(counts).from_select(columns, ordered)
        statement = pg.on_conflict_do_update(
            index_elements=keys,
            set_={name: counts.c[name] + pg.excluded[name] for name in SUMS},
        )
    else:
        lite = sqlite.insert(counts).from_select(columns, ordered)
        statement = lite.on_conflict_do_update(
            index_elements=keys,
            set_={name: counts.c[name] + lite.excluded[name] for name in SUMS},
        )
    session.execute(statement)


def _manifest_attributes() -> Attributes:
    mi = manifest_items
    return {
        "calibre": (_not_recorded(mi.c.calibre_key), _not_recorded(mi.c.calibre)),
        "manufacturer": (_not_recorded(mi.c.manufacturer_key), _not_recorded(mi.c.manufacturer)),
        "year_of_manufacture": _year_of_manufacture(mi),
    }


def _declared_attributes() -> Attributes:
    di = declared_items
    return {
        "calibre": (_not_recorded(di.c.calibre_key), _not_recorded(di.c.calibre)),
        # A maker read from an ammunition headstamp when the declaration names none.
        "manufacturer": (
            _not_recorded(di.c.manufacturer_key),
            func.coalesce(di.c.manufacturer, di.c.headstamp_maker, ""),
        ),
        "year_of_manufacture": _year_of_manufacture(di),
        # The armed group the presumed user resolves to, else the kind of user declared.
        "presumed_user": (func.coalesce(di.c.armed_group, di.c.presumed_user_kind, ""), None),
    }


def month_of(day: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """The first day of ``day``'s month, in SQL."""
    if dialect == "postgresql":
        return cast(func.date_trunc("month", day), Date)
    return func.date(day, "start of month")  # SQLite keeps dates as ISO text


def _monthly_keys(
    country: ColumnElement[Any], day: ColumnElement[Any], mission: ColumnElement[Any], dialect: str
) -> list[ColumnElement[Any]]:
    # The mission keeps two contingents' uploads of one month off each other's rows.
    return [
        country.label(country.key),
        month_of(day, dialect).label("month"),
        mission.label("mission_code"),
    ]


def _year_of_manufacture(items: Table) -> tuple[ColumnElement[Any], None]:
    return (_not_recorded(cast(items.c.year_of_manufacture, String)), None)


# tenancy: write path: the manifest's own items, just inserted by create_manifest
def add_manifest_items(session: Session, manifest_ids: Sequence[str]) -> None:
    """Add the just-inserted items of these manifests to the daily counts, totals and
    attributes."""
    mi = manifest_items
    batch = mi.c.manifest_id.in_(list(manifest_ids))
    keys = _manifest_keys()
    _upsert(session, manifest_item_daily_counts, _grouped(keys, mi, batch))
    _upsert(session, manifest_item_daily_totals, _grouped(keys[:_TOTAL_KEYS], mi, batch))
    attributes = _by_attribute(keys[:_TOTAL_KEYS], _manifest_attributes(), mi, batch)
    _upsert(session, manifest_item_daily_attributes, attributes)
    dialect = session.connection().dialect.name
    monthly = _monthly_keys(
        mi.c.contributing_country, mi.c.crossing_date, mi.c.mission_code, dialect
    )
    _upsert(
        session,
        manifest_item_monthly_attributes,
        _by_attribute(monthly, _manifest_attributes(), mi, batch),
    )


# tenancy: write path of the index feed: the declaration's own items, just inserted
def add_declared_items(session: Session, declaration_id: str) -> None:
    """Add the just-inserted items of this declaration to the daily counts, totals and
    attributes."""
    di = declared_items
    batch = di.c.declaration_id == declaration_id
    keys = _declared_keys()
    _upsert(session, declared_item_daily_counts, _grouped(keys, di, batch))
    _upsert(session, declared_item_daily_totals, _grouped(keys[:_TOTAL_KEYS], di, batch))
    attributes = _by_attribute(keys[:_TOTAL_KEYS], _declared_attributes(), di, batch)
    _upsert(session, declared_item_daily_attributes, attributes)
    dialect = session.connection().dialect.name
    monthly = _monthly_keys(
        di.c.declaring_country, di.c.event_date, _not_recorded(di.c.mission_code), dialect
    )
    _upsert(
        session,
        declared_item_monthly_attributes,
        _by_attribute(monthly, _declared_attributes(), di, batch),
    )


# tenancy: write path of the index feed: the declaration's own items, about to be deleted
def remove_declared_items(session: Session, declaration_id: str) -> None:
    """Take this declaration's items, about to be deleted, out of the daily counts,
    totals and attributes; those left at zero are deleted (a statistics group with no
    item is not shown)."""
    di = declared_items
    header = (
        select(di.c.declaring_country, di.c.event_date)
        .where(di.c.declaration_id == declaration_id)
        .limit(1)
    )
    found = session.execute(header).first()
    if found is None:
        return
    batch = di.c.declaration_id == declaration_id
    keys = _declared_keys()
    dialect = session.connection().dialect.name
    monthly = _monthly_keys(
        di.c.declaring_country, di.c.event_date, _not_recorded(di.c.mission_code), dialect
    )
    for counts, grouped in (
        (declared_item_daily_counts, _grouped(keys, di, batch)),
        (declared_item_daily_totals, _grouped(keys[:_TOTAL_KEYS], di, batch)),
        (
            declared_item_daily_attributes,
            _by_attribute(keys[:_TOTAL_KEYS], _declared_attributes(), di, batch),
        ),
        (
            declared_item_monthly_attributes,
            _by_attribute(monthly, _declared_attributes(), di, batch),
        ),
    ):
        leaving = grouped.subquery("leaving")
        same_key = and_(*(counts.c[name] == leaving.c[name] for name in _key_names(grouped)))
        session.execute(
            update(counts)
            .where(same_key)
            .values({name: counts.c[name] - leaving.c[name] for name in SUMS})
        )
        # Every item of a declaration shares its country and date: the emptied rows are there.
        day = (
            counts.c.month == found.event_date.replace(day=1)
            if "month" in counts.c
            else counts.c.event_date == found.event_date
        )
        session.execute(
            delete(counts).where(
                counts.c.declaring_country == found.declaring_country,
                day,
                counts.c.records == 0,
            )
        )
