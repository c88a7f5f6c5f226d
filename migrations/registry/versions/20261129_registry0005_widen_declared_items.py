"""Widen declared_items to hold everything the declarations service accepts.

Declarations take 200-character calibres, serials and lot numbers and 4,000-character
descriptions; declared_items held 64, 128, 128 and 1,000, so the index feed refused
such declarations (and the delivery schema follows these columns). Match keys may be
longer than the text they come from (Unicode compatibility forms expand), so they get
room too; a key longer still is refused with a 422 naming the field.

Downgrading narrows the columns again: PostgreSQL refuses it while a longer value is
stored, which is right (nothing is truncated silently).

Revision ID: registry0005
Revises: registry0004
Create Date: 2026-11-29 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0005"
down_revision: str | None = "registry0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# column: (length before, length after)
WIDENED: dict[str, tuple[int, int]] = {
    "calibre": (64, 200),
    "serial_number": (128, 200),
    "lot_number": (128, 200),
    "description": (1000, 4000),
    "serial_key": (128, 400),
    "fuzzy_key": (128, 400),
    "lot_key": (128, 400),
    "calibre_key": (64, 400),
    "manufacturer_key": (255, 400),
    "model_key": (255, 400),
}


def _resize(*, after: bool) -> None:
    with op.batch_alter_table("declared_items") as batch:
        for column, (before, wider) in WIDENED.items():
            batch.alter_column(
                column,
                existing_type=sa.String(length=before if after else wider),
                type_=sa.String(length=wider if after else before),
                existing_nullable=True,
            )


def _refresh_statistics() -> None:
    # PostgreSQL drops a column's planner statistics when its type changes: until the
    # next autovacuum analyze, key lookups plan as scans (a trace over 5 million indexed
    # items fell from 200 to 10 requests a second). Sampling takes seconds, not a rewrite.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE declared_items")


def upgrade() -> None:
    _resize(after=True)
    _refresh_statistics()


def downgrade() -> None:
    _resize(after=False)
    _refresh_statistics()
