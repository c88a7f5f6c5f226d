"""The weapon-index feed: deliveries of log entries to the registry, and failed attempts.

Revision ID: declarations0003
Revises: declarations0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "declarations0003"
down_revision: str | None = "declarations0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "index_deliveries",
        sa.Column("log_index", sa.BigInteger(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.ForeignKeyConstraint(
            ["log_index"],
            ["log_entries.index"],
            name=op.f("fk_index_deliveries_log_index_log_entries"),
        ),
        sa.PrimaryKeyConstraint("log_index", name=op.f("pk_index_deliveries")),
    )
    op.create_table(
        "index_delivery_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("log_index", sa.BigInteger(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["log_index"],
            ["log_entries.index"],
            name=op.f("fk_index_delivery_attempts_log_index_log_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_delivery_attempts")),
    )
    op.create_index(
        "ix_index_delivery_attempts_entry",
        "index_delivery_attempts",
        ["log_index", "attempted_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_index_delivery_attempts_entry", table_name="index_delivery_attempts")
    op.drop_table("index_delivery_attempts")
    op.drop_table("index_deliveries")
