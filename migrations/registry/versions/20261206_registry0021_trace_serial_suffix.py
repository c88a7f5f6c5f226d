"""Indexes for tracing a serial whose first characters are obliterated, and loss items.

A wildcard trace such as ``*000123`` has no literal prefix, so the serial-key indexes
cannot narrow it: on PostgreSQL each source was read whole (seconds at millions of
items). ``ix_<table>_serial_key_reversed`` index ``reverse(serial_key)`` of manifest,
declared and loss-report items, so such a query reads the keys ending with its literal
suffix as a range. SQLite has no ``reverse()``: there the indexes are not created and
the trace keeps its plain pattern match. ``ix_loss_report_items_serial_key`` gives the
loss-report items the serial-key index the other two sources have (every trace reads
them by key).

Downgrading drops the four indexes.

Revision ID: registry0021
Revises: registry0020
Create Date: 2026-12-06 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0021"
down_revision: str | None = "registry0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("manifest_items", "declared_items", "loss_report_items")


def upgrade() -> None:
    op.create_index(op.f("ix_loss_report_items_serial_key"), "loss_report_items", ["serial_key"])
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.create_index(
                op.f(f"ix_{table}_serial_key_reversed"), table, [sa.text("reverse(serial_key)")]
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.drop_index(op.f(f"ix_{table}_serial_key_reversed"), table_name=table)
    op.drop_index(op.f("ix_loss_report_items_serial_key"), table_name="loss_report_items")
