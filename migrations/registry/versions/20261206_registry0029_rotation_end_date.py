"""The planned end of a unit's rotation on its ``in`` manifest.

``manifests.rotation_end_date`` (nullable DATE): the date an ``in`` manifest says the
unit's rotation is planned to end. ``rotation.ending`` and the console's home read it
(else the mission's end date, as before); reconciliation does not (a plan is no proof
of exit). ``ck_manifests_rotation_end_date`` keeps it on ``in`` manifests, never before
the crossing date. Existing manifests keep null.

SQLite adds the column with its CHECK as a column constraint (``ALTER TABLE ADD
COLUMN``: no table rebuild, which would have to copy every manifest under the items'
foreign keys); ``DROP COLUMN`` removes both. PostgreSQL adds a named table constraint.

Downgrading drops the column (and every planned date with it).

Revision ID: registry0029
Revises: registry0028
Create Date: 2026-12-06 06:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0029"
down_revision: str | None = "registry0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "manifests"
COLUMN = "rotation_end_date"
CONSTRAINT = "ck_manifests_rotation_end_date"
CHECK = "rotation_end_date IS NULL OR (direction = 'in' AND rotation_end_date >= crossing_date)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN {COLUMN} DATE CONSTRAINT {CONSTRAINT} CHECK ({CHECK})"
        )
        return
    op.add_column(TABLE, sa.Column(COLUMN, sa.Date(), nullable=True))
    op.create_check_constraint(op.f(CONSTRAINT), TABLE, CHECK)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f(CONSTRAINT), TABLE, type_="check")
    op.drop_column(TABLE, COLUMN)
