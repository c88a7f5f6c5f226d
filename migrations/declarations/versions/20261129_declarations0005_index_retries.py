"""Operator retries of index-feed entries the registry rejected, and their outcomes.

Revision ID: declarations0005
Revises: declarations0004
Create Date: 2026-11-29

An entry the registry refuses for good is settled in ``index_deliveries`` with
the outcome ``rejected`` (one row per log entry, never changed). After a fix,
an operator asks for it to be delivered again: a row in ``index_retries``.
The entry is pending while one of its retries has no row in
``index_retry_outcomes``; the relay writes that row when the registry answers.
Both tables are insert-only, so every rejection, retry and outcome stays.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "declarations0005"
down_revision: str | None = "declarations0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "index_retries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("log_index", sa.BigInteger(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["log_index"],
            ["index_deliveries.log_index"],
            name=op.f("fk_index_retries_log_index_index_deliveries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_retries")),
    )
    op.create_index("ix_index_retries_log_index", "index_retries", ["log_index", "id"])
    op.create_table(
        "index_retry_outcomes",
        sa.Column("retry_id", sa.Integer(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.ForeignKeyConstraint(
            ["retry_id"],
            ["index_retries.id"],
            name=op.f("fk_index_retry_outcomes_retry_id_index_retries"),
        ),
        sa.PrimaryKeyConstraint("retry_id", name=op.f("pk_index_retry_outcomes")),
    )


def downgrade() -> None:
    op.drop_table("index_retry_outcomes")
    op.drop_index("ix_index_retries_log_index", table_name="index_retries")
    op.drop_table("index_retries")
