"""Indexes for the map's years: the located declarations and losses by date.

The map lists every year of its range that has a point (the time slider). It read the
year of every located declaration and loss to find them (100,000 declarations: a scan
each time the map opened). Now it asks, year after year, for the earliest located
record on or after a date: ``ix_indexed_declarations_located_date`` and
``ix_loss_reports_located_date`` (partial: rows with coordinates only) answer each with
one short index probe. Both databases.

Downgrading drops the two indexes.

Revision ID: registry0023
Revises: registry0022
Create Date: 2026-12-06 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0023"
down_revision: str | None = "registry0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCATED = sa.text("lat IS NOT NULL")
INDEXES = (
    ("ix_indexed_declarations_located_date", "indexed_declarations", "event_date"),
    ("ix_loss_reports_located_date", "loss_reports", "loss_date"),
)


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column], postgresql_where=LOCATED, sqlite_where=LOCATED)


def downgrade() -> None:
    for name, table, _column in INDEXES:
        op.drop_index(name, table_name=table)
