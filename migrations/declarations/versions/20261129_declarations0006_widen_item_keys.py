"""Widen the item index's keys to what the accepted identifiers normalize to.

Declarations accept 200-character serials, makers and calibres, but the item index
held 100/200/100-character keys (and 400 for the match and destroyed keys), so a
long identifier ended as a database error on PostgreSQL. Long part descriptions now
enter the match key hashed; a key longer still is refused with a 422 naming the item.

Downgrading narrows the columns again: PostgreSQL refuses it while a longer key is
stored, which is right (nothing is truncated silently).

Revision ID: declarations0006
Revises: declarations0005
Create Date: 2026-11-29 16:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "declarations0006"
down_revision: str | None = "declarations0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# column: (length before, length after, nullable)
WIDENED: dict[str, tuple[int, int, bool]] = {
    "match_key": (400, 1000, False),
    "serial_key": (100, 400, True),
    "manufacturer_key": (200, 400, True),
    "calibre_key": (100, 400, True),
    "destroyed_key": (400, 1000, True),
}


def _resize(*, after: bool) -> None:
    with op.batch_alter_table("items") as batch:
        for column, (before, wider, nullable) in WIDENED.items():
            batch.alter_column(
                column,
                existing_type=sa.String(length=before if after else wider),
                type_=sa.String(length=wider if after else before),
                existing_nullable=nullable,
            )


def upgrade() -> None:
    _resize(after=True)


def downgrade() -> None:
    _resize(after=False)
