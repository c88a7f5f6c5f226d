"""The incident's country on indexed declarations and their items, for embargo screening.

Issue 14 asks that screening use the incident's presumed user and country. The relay
delivers the incident a declaration names (its type, date, country and presumed user);
the presumed user was kept, the country was not, so a declaration screened against the
embargoes of its own location. ``incident_country`` keeps it on ``indexed_declarations``
and ``declared_items``; screening reads it when set, else ``location_country``.

Rows indexed before this revision keep NULL (the registry never held their incident's
country): they screen by their location as before, until their declaration is delivered
again (an amendment, or a rebuild of the index from the declarations service's feed).

Downgrading drops the two columns.

Revision ID: registry0030
Revises: registry0029
Create Date: 2026-12-06 06:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0030"
down_revision: str | None = "registry0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("indexed_declarations", "declared_items")


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: recreating these SQLite tables would drop triggers.
    for table in TABLES:
        op.add_column(table, sa.Column("incident_country", sa.String(length=3), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        if op.get_bind().dialect.name == "sqlite":
            # SQLite >= 3.35 drops a column in place (no table rebuild, triggers stay).
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "incident_country"')
        else:
            op.drop_column(table, "incident_country")
