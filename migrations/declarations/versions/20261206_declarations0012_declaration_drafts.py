"""Drafts of declarations and their approval history.

Two tables: ``declaration_drafts`` (one row per draft: its organisation, body as it would
be posted, status, version for If-Match, and the record it became once approved) and
``declaration_draft_events`` (every step: action, actor, time, comment). Statuses and actions
are CHECKed; nothing is deleted. Drafts are never logged, indexed or counted.

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
EVENTS = "declaration_draft_events"

STATUSES = "status IN ('draft', 'awaiting_approval', 'returned', 'submitted', 'withdrawn')"
ACTIONS = "action IN ('created', 'saved', 'submitted', 'returned', 'approved', 'withdrawn')"


def upgrade() -> None:
    op.create_table(
        DRAFTS,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_by_type", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(STATUSES, name=op.f(f"ck_{DRAFTS}_status")),
        sa.CheckConstraint(
            "(status = 'submitted') = (record_id IS NOT NULL)",
            name=op.f(f"ck_{DRAFTS}_record_id"),
        ),
        sa.CheckConstraint("version > 0", name=op.f(f"ck_{DRAFTS}_version")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{DRAFTS}")),
    )
    with op.batch_alter_table(DRAFTS, schema=None) as batch_op:
        batch_op.create_index(
            f"ix_{DRAFTS}_organisation", ["organisation", "created_at", "id"], unique=False
        )

    op.create_table(
        EVENTS,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("draft_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("actor_type", sa.String(length=8), nullable=False),
        sa.Column("actor_org", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.CheckConstraint(ACTIONS, name=op.f(f"ck_{EVENTS}_action")),
        sa.ForeignKeyConstraint(
            ["draft_id"], [f"{DRAFTS}.id"], name=op.f(f"fk_{EVENTS}_draft_id_{DRAFTS}")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{EVENTS}")),
    )
    with op.batch_alter_table(EVENTS, schema=None) as batch_op:
        batch_op.create_index(f"ix_{EVENTS}_draft", ["draft_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table(EVENTS, schema=None) as batch_op:
        batch_op.drop_index(f"ix_{EVENTS}_draft")

    op.drop_table(EVENTS)
    with op.batch_alter_table(DRAFTS, schema=None) as batch_op:
        batch_op.drop_index(f"ix_{DRAFTS}_organisation")

    op.drop_table(DRAFTS)
