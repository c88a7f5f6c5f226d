"""The declarations log's proof of each indexed declaration, kept for trace requests.

A delivery to the index carries its log entry's inclusion proof under a checkpoint
signed by the declarations log's key, which the index checks (``provenance``). Until
now only the entry's index and leaf hash were kept; a trace request's PDF could only
link to the log. ``indexed_declarations`` and ``case_items`` gain ``log_checkpoint``
(the signed note as delivered) and ``log_inclusion`` (the RFC 9162 audit path, base64
hashes one a line), so the PDF carries a proof its reader verifies offline. Rows
indexed before keep nulls (the PDF says so and links to the log). Both databases.

Downgrading drops the four columns.

Revision ID: registry0025
Revises: registry0024
Create Date: 2026-12-06 06:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0025"
down_revision: str | None = "registry0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("indexed_declarations", "case_items")
COLUMNS = ("log_checkpoint", "log_inclusion")


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy in SQLite): case_items keeps its append-only triggers.
    for table in TABLES:
        for column in COLUMNS:
            op.add_column(table, sa.Column(column, sa.Text(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        for column in reversed(COLUMNS):
            if op.get_bind().dialect.name == "sqlite":
                op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
            else:
                op.drop_column(table, column)
