"""Alerts across states: ``destroyed_twice`` and ``context_amended``, and alerts only
callers admitted by every audience row see.

The declarations service checks "destroyed once" per declaring state (declarations0009),
so two states' destructions of one weapon become a ``destroyed_twice`` alert, seen only
by the secretariats that may read both destructions (``alerts.every_audience``). An
amendment changing a declaration's event date, location country or mission raises
``context_amended`` for the secretariats concerned before and after.

Downgrading removes the two kinds' alerts (with their audiences and events) before
restoring the narrower check: the older code knows no such kind.

Revision ID: registry0008
Revises: registry0006 (registry0007 once the branches meet)
Create Date: 2026-12-05 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0008"
down_revision: str | None = "registry0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_KINDS = "kind IN ('diversion', 'linkage', 'embargo', 'unreturned')"
_NEW_KINDS = (
    "kind IN ('diversion', 'linkage', 'embargo', 'unreturned', 'destroyed_twice',"
    " 'context_amended')"
)


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(
            sa.Column("every_audience", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.drop_constraint(op.f("ck_alerts_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_alerts_kind"), _NEW_KINDS)
    with op.batch_alter_table("alerts") as batch:
        batch.alter_column("every_audience", server_default=None)


def downgrade() -> None:
    new_kinds = "SELECT id FROM alerts WHERE kind IN ('destroyed_twice', 'context_amended')"
    op.execute(f"DELETE FROM alert_events WHERE alert_id IN ({new_kinds})")
    op.execute(f"DELETE FROM alert_audiences WHERE alert_id IN ({new_kinds})")
    op.execute("DELETE FROM alerts WHERE kind IN ('destroyed_twice', 'context_amended')")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_constraint(op.f("ck_alerts_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_alerts_kind"), _OLD_KINDS)
        batch.drop_column("every_audience")
