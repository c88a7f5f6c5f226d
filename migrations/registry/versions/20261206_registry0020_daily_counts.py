"""Daily counts of manifest and declared items, which statistics read instead of the items.

``manifest_item_daily_counts`` and ``declared_item_daily_counts`` hold, per day and per
value of every column statistics group or filter on (country, mission, direction or
declaration type, kind, category, ordnance or explosive type, a declared weapon's serial
status), the item rows, the quantity counted in units and the mass in grams;
``manifest_item_daily_totals`` and ``declared_item_daily_totals`` the same sums per day,
country, mission and direction or declaration type only. Key columns
are NOT NULL: a value not recorded is ``''`` (a declared weapon's unrecorded serial
status is ``present``, as statistics always read it). The item inserts keep them exact
from this revision on; the upgrade fills them from the items already stored.

Downgrading drops the four tables (the items they were computed from stay).

Revision ID: registry0020
Revises: registry0019
Create Date: 2026-12-06 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0020"
down_revision: str | None = "registry0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUMS = (
    "count(*),"
    " sum(CASE WHEN quantity_unit IN ('kg', 'g') THEN 0 ELSE quantity END),"
    " sum(CASE WHEN quantity_unit = 'g' THEN quantity"
    " WHEN quantity_unit = 'kg' THEN quantity * 1000 ELSE 0 END)"
)
MANIFEST_KEYS = (
    "contributing_country, crossing_date, mission_code, direction, kind,"
    " COALESCE(category, ''), COALESCE(ordnance_type, explosive_type, '')"
)
DECLARED_KEYS = (
    "declaring_country, event_date, COALESCE(mission_code, ''), declaration_type, kind,"
    " COALESCE(category, ''), COALESCE(ordnance_type, explosive_type, ''),"
    " CASE WHEN kind = 'weapon' THEN COALESCE(serial_status, 'present') ELSE '' END"
)
MANIFEST_TOTAL_KEYS = "contributing_country, crossing_date, mission_code, direction"
DECLARED_TOTAL_KEYS = "declaring_country, event_date, COALESCE(mission_code, ''), declaration_type"
BACKFILL = (
    "INSERT INTO manifest_item_daily_counts (contributing_country, crossing_date,"
    " mission_code, direction, kind, category, item_type, records, quantity, mass_grams)"
    f" SELECT {MANIFEST_KEYS}, {SUMS} FROM manifest_items GROUP BY {MANIFEST_KEYS}",
    "INSERT INTO declared_item_daily_counts (declaring_country, event_date, mission_code,"
    " declaration_type, kind, category, item_type, serial_status, records, quantity,"
    " mass_grams)"
    f" SELECT {DECLARED_KEYS}, {SUMS} FROM declared_items GROUP BY {DECLARED_KEYS}",
    "INSERT INTO manifest_item_daily_totals (contributing_country, crossing_date,"
    " mission_code, direction, records, quantity, mass_grams)"
    f" SELECT {MANIFEST_TOTAL_KEYS}, {SUMS} FROM manifest_items GROUP BY {MANIFEST_TOTAL_KEYS}",
    "INSERT INTO declared_item_daily_totals (declaring_country, event_date, mission_code,"
    " declaration_type, records, quantity, mass_grams)"
    f" SELECT {DECLARED_TOTAL_KEYS}, {SUMS} FROM declared_items"
    f" GROUP BY {DECLARED_TOTAL_KEYS}",
)


def _sums_and_checks(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("mass_grams", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("records >= 0", name=op.f(f"ck_{table}_records")),
        sa.CheckConstraint("quantity >= 0", name=op.f(f"ck_{table}_quantity")),
        sa.CheckConstraint("mass_grams >= 0", name=op.f(f"ck_{table}_mass_grams")),
    ]


def upgrade() -> None:
    table = "manifest_item_daily_counts"
    op.create_table(
        table,
        sa.Column("contributing_country", sa.String(length=3), nullable=False),
        sa.Column("crossing_date", sa.Date(), nullable=False),
        sa.Column("mission_code", sa.String(length=32), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("item_type", sa.String(length=32), nullable=False),
        *_sums_and_checks(table),
        sa.PrimaryKeyConstraint(
            "contributing_country",
            "crossing_date",
            "mission_code",
            "direction",
            "kind",
            "category",
            "item_type",
            name=op.f(f"pk_{table}"),
        ),
    )
    table = "declared_item_daily_counts"
    op.create_table(
        table,
        sa.Column("declaring_country", sa.String(length=3), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("mission_code", sa.String(length=32), nullable=False),
        sa.Column("declaration_type", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("item_type", sa.String(length=32), nullable=False),
        sa.Column("serial_status", sa.String(length=16), nullable=False),
        *_sums_and_checks(table),
        sa.PrimaryKeyConstraint(
            "declaring_country",
            "event_date",
            "mission_code",
            "declaration_type",
            "kind",
            "category",
            "item_type",
            "serial_status",
            name=op.f(f"pk_{table}"),
        ),
    )
    table = "manifest_item_daily_totals"
    op.create_table(
        table,
        sa.Column("contributing_country", sa.String(length=3), nullable=False),
        sa.Column("crossing_date", sa.Date(), nullable=False),
        sa.Column("mission_code", sa.String(length=32), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        *_sums_and_checks(table),
        sa.PrimaryKeyConstraint(
            "contributing_country",
            "crossing_date",
            "mission_code",
            "direction",
            name=op.f(f"pk_{table}"),
        ),
    )
    table = "declared_item_daily_totals"
    op.create_table(
        table,
        sa.Column("declaring_country", sa.String(length=3), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("mission_code", sa.String(length=32), nullable=False),
        sa.Column("declaration_type", sa.String(length=16), nullable=False),
        *_sums_and_checks(table),
        sa.PrimaryKeyConstraint(
            "declaring_country",
            "event_date",
            "mission_code",
            "declaration_type",
            name=op.f(f"pk_{table}"),
        ),
    )
    for statement in BACKFILL:
        op.execute(sa.text(statement))


def downgrade() -> None:
    op.drop_table("declared_item_daily_totals")
    op.drop_table("manifest_item_daily_totals")
    op.drop_table("declared_item_daily_counts")
    op.drop_table("manifest_item_daily_counts")
