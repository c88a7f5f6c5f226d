"""Daily counts of manifest and declared items (since registry0020): what statistics read.

One row per day and per value of every column statistics group or filter on, holding
the item rows, the quantity counted in units and the mass in grams of the items with
those values. The item inserts maintain them in the same transaction
(``services/registry/daily_counts``), so they are always exact; a statistics request
sums a few rows per day instead of every item.

The ``*_daily_totals`` tables hold the same sums by day, country, mission and direction or
declaration type only: a few rows per manifest or declaration, which is all statistics
grouped by country, mission, year or type need to read.

A key column never holds NULL (a unique key treats two NULLs as distinct, and the upsert
needs them equal): a value not recorded is stored as ``''`` and read back as NULL.
``item_type`` is the ordnance or explosive type; a declared item's ``serial_status`` is
its weapon's (``present`` when not recorded; ``''`` for other kinds). The quantity unit
is not a key: ``quantity`` and ``mass_grams`` already hold the two sums it decides.

The ``*_daily_attributes`` tables (since registry0024) hold the same sums by the totals'
keys and one ``attribute`` of the item with its ``value``: ``calibre`` and
``manufacturer`` by their match keys (aliases resolved: "Izhmash" counts with
"Kalashnikov Concern"), ``year_of_manufacture`` as its number, and for declared items
``presumed_user``: the armed group the declaration's presumed user resolves to, else its
kind (``government_forces``, ``non_state_armed_group``, ``unknown``). Every item counts
once under each attribute (``''``: not recorded), and under ``label``, the calibre's or
maker's spelling as recorded (``''`` for the other attributes): statistics show, for a
value no reference list names, the spelling most of its items were recorded under. A
day of one contingent holds a row per distinct value and spelling (a few spellings per
maker), never one per item. The attribute comes first in the key: statistics read one
attribute at a time.

The ``*_monthly_attributes`` tables (since registry0031) hold the same sums by country,
month (its first day), mission (so that two contingents' uploads never wait on one row),
attribute, value and spelling: statistics over years read
them for the whole months of their range in which no membership of the caller's
community begins or ends, and the daily rows for the rest, so the figures stay exact to
the day while a decade reads a few thousand rows instead of one per declaration and
value.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Column, Date, PrimaryKeyConstraint, String
from sqlalchemy import Table as CoreTable

from services.registry.tables import metadata

ATTRIBUTES = ("calibre", "manufacturer", "year_of_manufacture", "presumed_user")


def _sums() -> tuple[Column[int], ...]:
    return (
        Column("records", BigInteger, nullable=False),
        Column("quantity", BigInteger, nullable=False),
        Column("mass_grams", BigInteger, nullable=False),
    )


def _checks() -> tuple[CheckConstraint, ...]:
    return (
        CheckConstraint("records >= 0", name="records"),
        CheckConstraint("quantity >= 0", name="quantity"),
        CheckConstraint("mass_grams >= 0", name="mass_grams"),
    )


manifest_item_daily_counts = CoreTable(
    "manifest_item_daily_counts",
    metadata,
    Column("contributing_country", String(3), nullable=False),
    Column("crossing_date", Date, nullable=False),
    Column("mission_code", String(32), nullable=False),
    Column("direction", String(3), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("category", String(32), nullable=False),
    Column("item_type", String(32), nullable=False),
    *_sums(),
    # Country and date first: the tenancy filter and the date range select on them.
    PrimaryKeyConstraint(
        "contributing_country",
        "crossing_date",
        "mission_code",
        "direction",
        "kind",
        "category",
        "item_type",
    ),
    *_checks(),
)

declared_item_daily_counts = CoreTable(
    "declared_item_daily_counts",
    metadata,
    Column("declaring_country", String(3), nullable=False),
    Column("event_date", Date, nullable=False),
    Column("mission_code", String(32), nullable=False),
    Column("declaration_type", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("category", String(32), nullable=False),
    Column("item_type", String(32), nullable=False),
    Column("serial_status", String(16), nullable=False),
    *_sums(),
    PrimaryKeyConstraint(
        "declaring_country",
        "event_date",
        "mission_code",
        "declaration_type",
        "kind",
        "category",
        "item_type",
        "serial_status",
    ),
    *_checks(),
)


manifest_item_daily_totals = CoreTable(
    "manifest_item_daily_totals",
    metadata,
    Column("contributing_country", String(3), nullable=False),
    Column("crossing_date", Date, nullable=False),
    Column("mission_code", String(32), nullable=False),
    Column("direction", String(3), nullable=False),
    *_sums(),
    PrimaryKeyConstraint("contributing_country", "crossing_date", "mission_code", "direction"),
    *_checks(),
)

declared_item_daily_totals = CoreTable(
    "declared_item_daily_totals",
    metadata,
    Column("declaring_country", String(3), nullable=False),
    Column("event_date", Date, nullable=False),
    Column("mission_code", String(32), nullable=False),
    Column("declaration_type", String(16), nullable=False),
    *_sums(),
    PrimaryKeyConstraint("declaring_country", "event_date", "mission_code", "declaration_type"),
    *_checks(),
)


def _attributes(name: str, *keys: Column[object]) -> CoreTable:
    return CoreTable(
        name,
        metadata,
        Column("attribute", String(24), nullable=False),
        *keys,
        Column("value", String(400), nullable=False),
        Column("label", String(255), nullable=False),
        *_sums(),
        PrimaryKeyConstraint("attribute", *(key.name for key in keys), "value", "label"),
        *_checks(),
    )


manifest_item_daily_attributes = _attributes(
    "manifest_item_daily_attributes",
    Column("contributing_country", String(3), nullable=False),
    Column("crossing_date", Date, nullable=False),
    Column("mission_code", String(32), nullable=False),
    Column("direction", String(3), nullable=False),
)

declared_item_daily_attributes = _attributes(
    "declared_item_daily_attributes",
    Column("declaring_country", String(3), nullable=False),
    Column("event_date", Date, nullable=False),
    Column("mission_code", String(32), nullable=False),
    Column("declaration_type", String(16), nullable=False),
)

manifest_item_monthly_attributes = _attributes(
    "manifest_item_monthly_attributes",
    Column("contributing_country", String(3), nullable=False),
    Column("month", Date, nullable=False),
    Column("mission_code", String(32), nullable=False),
)

declared_item_monthly_attributes = _attributes(
    "declared_item_monthly_attributes",
    Column("declaring_country", String(3), nullable=False),
    Column("month", Date, nullable=False),
    Column("mission_code", String(32), nullable=False),
)
