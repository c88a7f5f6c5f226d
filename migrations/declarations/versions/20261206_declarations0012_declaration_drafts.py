"""Drafts of declarations and their approval history.

Two insert-only tables: ``declaration_drafts`` (one row per draft: its organisation, who
began it and when) and ``declaration_draft_steps`` (every step, numbered by version: action,
the status it leaves, actor, time, comment; the body and title when it saved them; the
record when it approved the draft). A draft's state is its latest step; nothing is
updated or deleted. Statuses and actions are CHECKed. Drafts are never logged,
indexed or counted.

Downgrading drops both tables (and every draft with them).

Revision ID: declarations0012
Revises: declarations0011
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "declarations0012"
down_revision: str | None = "declarations0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DRAFTS = "declaration_drafts"
STEPS = "declaration_draft_steps"

STATUSES = "status IN ('draft', 'awaiting_approval', 'returned', 'submitted', 'withdrawn')"
ACTIONS = "action IN ('created', 'saved', 'submitted', 'returned', 'approved', 'withdrawn')"


def upgrade() -> None:
    op.create_table(
        DRAFTS,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_by_type", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{DRAFTS}")),
    )
    with op.batch_alter_table(DRAFTS, schema=None) as batch_op:
        batch_op.create_index(
            f"ix_{DRAFTS}_organisation", ["organisation", "created_at", "id"], unique=False
        )

    op.create_table(
        STEPS,
        sa.Column("draft_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("body", sa.JSON(), nullable=True),
        sa.Column("record_id", sa.String(length=64), nullable=True),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("actor_type", sa.String(length=8), nullable=False),
        sa.Column("actor_org", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.CheckConstraint(ACTIONS, name=op.f(f"ck_{STEPS}_action")),
        sa.CheckConstraint(STATUSES, name=op.f(f"ck_{STEPS}_status")),
        sa.CheckConstraint("version > 0", name=op.f(f"ck_{STEPS}_version")),
        sa.CheckConstraint(
            "(action = 'approved') = (record_id IS NOT NULL)", name=op.f(f"ck_{STEPS}_record_id")
        ),
        sa.CheckConstraint(
            "(action IN ('created', 'saved')) = (body IS NOT NULL)", name=op.f(f"ck_{STEPS}_body")
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"], [f"{DRAFTS}.id"], name=op.f(f"fk_{STEPS}_draft_id_{DRAFTS}")
        ),
        sa.PrimaryKeyConstraint("draft_id", "version", name=op.f(f"pk_{STEPS}")),
    )


def downgrade() -> None:
    op.drop_table(STEPS)
    with op.batch_alter_table(DRAFTS, schema=None) as batch_op:
        batch_op.drop_index(f"ix_{DRAFTS}_organisation")

    op.drop_table(DRAFTS)
