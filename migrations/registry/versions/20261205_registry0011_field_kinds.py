"""Records as the field makes them: ordnance, explosives and a weapon's serial status.

Manifest items and declared items accept the kinds ``ordnance`` (mortar bombs,
rockets, projectiles, grenades, landmines) and ``explosive`` (bulk explosives,
detonators): the ``kind`` CHECK constraints are widened, and new nullable columns
hold ``ordnance_type``, ``explosive_type`` and ``quantity_unit`` (``units``, ``kg``
or ``g``). Declared items also get ``serial_status`` (``present``, ``obliterated``,
``partial``, ``none``) and ``serial_pattern``, the LIKE pattern of a partial serial's
legible part, which trace matches the query's key against. Partial indexes on the
lot key of ordnance and explosive items let trace find them by lot. Rows indexed before this
revision keep NULL in every new column and read as before (a NULL status is
``present``).

Downgrading drops the columns and narrows the CHECK constraints again (refused while
a row of a new kind is stored: nothing is dropped silently).

Revision ID: registry0011
Revises: registry0010
Create Date: 2026-12-05 20:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0011"
down_revision: str | None = "registry0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = "kind IN ('weapon', 'ammunition', 'part')"
NEW_KINDS = "kind IN ('weapon', 'ammunition', 'part', 'ordnance', 'explosive')"
UNITS = "quantity_unit IN ('units', 'kg', 'g')"
FIELD_KINDS = "kind IN ('ordnance', 'explosive')"
STATUSES = "serial_status IN ('present', 'obliterated', 'partial', 'none')"

# (table, column, length)
COLUMNS = (
    ("manifest_items", "ordnance_type", 32),
    ("manifest_items", "explosive_type", 32),
    ("manifest_items", "quantity_unit", 8),
    ("declared_items", "serial_status", 16),
    ("declared_items", "ordnance_type", 32),
    ("declared_items", "explosive_type", 32),
    ("declared_items", "quantity_unit", 8),
    ("declared_items", "serial_pattern", 400),
)
# (table, constraint name without the ck_<table>_ prefix, condition): added
CHECKS = (
    ("manifest_items", "quantity_unit", UNITS),
    ("declared_items", "quantity_unit", UNITS),
    ("declared_items", "serial_status", STATUSES),
)


def upgrade() -> None:
    for table in ("manifest_items", "declared_items"):
        # Batch mode: SQLite rebuilds the table (neither table has triggers), PostgreSQL
        # alters it in place.
        with op.batch_alter_table(table) as batch:
            for column_table, column, length in COLUMNS:
                if column_table == table:
                    batch.add_column(sa.Column(column, sa.String(length), nullable=True))
            batch.drop_constraint(op.f(f"ck_{table}_kind"), type_="check")
            batch.create_check_constraint(op.f(f"ck_{table}_kind"), sa.text(NEW_KINDS))
            for check_table, name, condition in CHECKS:
                if check_table == table:
                    batch.create_check_constraint(op.f(f"ck_{table}_{name}"), sa.text(condition))
    op.create_index(op.f("ix_declared_items_serial_status"), "declared_items", ["serial_status"])
    for table in ("manifest_items", "declared_items"):
        op.create_index(
            op.f(f"ix_{table}_field_kind_lot"),
            table,
            ["lot_key"],
            postgresql_where=sa.text(FIELD_KINDS),
            sqlite_where=sa.text(FIELD_KINDS),
        )


def downgrade() -> None:
    for table in ("manifest_items", "declared_items"):
        op.drop_index(op.f(f"ix_{table}_field_kind_lot"), table_name=table)
    op.drop_index(op.f("ix_declared_items_serial_status"), table_name="declared_items")
    for table in ("declared_items", "manifest_items"):
        with op.batch_alter_table(table) as batch:
            for check_table, name, _ in CHECKS:
                if check_table == table:
                    batch.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
            batch.drop_constraint(op.f(f"ck_{table}_kind"), type_="check")
            batch.create_check_constraint(op.f(f"ck_{table}_kind"), sa.text(OLD_KINDS))
            for column_table, column, _ in reversed(COLUMNS):
                if column_table == table:
                    batch.drop_column(column)
