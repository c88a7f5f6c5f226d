"""Every act names its actor: the type and organisation of who submitted it.

Manifests and loss reports kept ``submitted_by`` (the token's subject) and alert
events ``actor`` and ``actor_org``. What was missing is whether the subject is a
person or an API client, and for manifests and loss reports its organisation:
``submitted_by_type`` (``person`` or ``client``), ``submitted_by_org`` and
``actor_type``, nullable. Rows made before this revision keep NULL there (their
actor's type and organisation were never recorded): the API shows ``submitted_by``
null for them rather than guess.

Downgrading drops the columns.

Revision ID: registry0010
Revises: registry0009
Create Date: 2026-12-05 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0010"
down_revision: str | None = "registry0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, length)
COLUMNS = (
    ("manifests", "submitted_by_type", 8),
    ("manifests", "submitted_by_org", 64),
    ("loss_reports", "submitted_by_type", 8),
    ("loss_reports", "submitted_by_org", 64),
    ("alert_events", "actor_type", 8),
)


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: recreating a SQLite table would drop triggers.
    for table, column, length in COLUMNS:
        op.add_column(table, sa.Column(column, sa.String(length), nullable=True))


def downgrade() -> None:
    for table, column, _ in reversed(COLUMNS):
        if op.get_bind().dialect.name == "sqlite":
            # SQLite >= 3.35 drops a column in place (no table rebuild, triggers stay).
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        else:
            op.drop_column(table, column)
