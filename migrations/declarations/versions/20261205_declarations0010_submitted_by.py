"""Every act names its actor: the type and organisation of who submitted it.

Declaration versions already kept ``created_by`` (the token's subject), holds and
lifts their ``placed_by``/``lifted_by`` and organisation, disposals ``disposed_by``.
What was missing is whether that subject is a person or an API client, and for
versions and disposals the organisation: ``*_type`` (``person`` or ``client``) and
``*_org`` columns, nullable. Rows made before this revision keep NULL there (their
actor's type was never recorded, and these tables refuse UPDATE): the API shows
``submitted_by`` null for them rather than guess.

Adding nullable columns leaves every row, trigger and log entry as it is. Downgrading
drops the columns.

Revision ID: declarations0010
Revises: declarations0009
Create Date: 2026-12-05 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "declarations0010"
down_revision: str | None = "declarations0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, length)
COLUMNS = (
    ("declaration_versions", "created_by_type", 8),
    ("declaration_versions", "created_by_org", 64),
    ("holds", "placed_by_type", 8),
    ("hold_lifts", "lifted_by_type", 8),
    ("disposals", "disposed_by_type", 8),
    ("disposals", "disposed_by_org", 64),
)


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: recreating a SQLite table would drop its
    # append-only triggers.
    for table, column, length in COLUMNS:
        op.add_column(table, sa.Column(column, sa.String(length), nullable=True))


def downgrade() -> None:
    for table, column, _ in reversed(COLUMNS):
        if op.get_bind().dialect.name == "sqlite":
            # SQLite >= 3.35 drops a column in place (no table rebuild, triggers stay).
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        else:
            op.drop_column(table, column)
