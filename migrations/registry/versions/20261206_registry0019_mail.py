"""Email for people: preferences, notices (one per person and event), the mail outbox.

``notification_events.mailed_at`` marks an event whose notices are written (the mail
worker's own progress through the outbox, apart from the webhooks' ``fanned_out_at``).
``mail_notices`` holds one row per person told of an event (unique: at most once);
``mail_messages`` the emails, sent through SMTP or kept as the local outbox.

Downgrading drops the three tables and the column.

Revision ID: registry0019
Revises: registry0018
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0019"
down_revision: str | None = "registry0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("notification_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mailed_at", TZ, nullable=True))
        batch_op.create_index("ix_notification_events_unmailed", ["mailed_at", "id"], unique=False)

    op.create_table(
        "notification_preferences",
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.Column("org", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.CheckConstraint(
            "language IS NULL OR language IN ('en', 'fr', 'pt', 'es')",
            name=op.f("ck_notification_preferences_language"),
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_notification_preferences")),
    )

    op.create_table(
        "mail_messages",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.Column("org", sa.String(length=64), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("sent_at", TZ, nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'kept', 'failed')",
            name=op.f("ck_mail_messages_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
    )
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mail_messages_queue", ["status", "next_attempt_at", "id"], unique=False
        )

    op.create_table(
        "mail_notices",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("variant", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("message_id", ID, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint("mode IN ('immediate', 'daily')", name=op.f("ck_mail_notices_mode")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["notification_events.id"],
            name=op.f("fk_mail_notices_event_id_notification_events"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["mail_messages.id"],
            name=op.f("fk_mail_notices_message_id_mail_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_notices")),
    )
    with op.batch_alter_table("mail_notices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mail_notices_person_event", ["person_id", "event_id"], unique=True
        )
        batch_op.create_index(
            "ix_mail_notices_waiting", ["mode", "message_id", "person_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("mail_notices")
    op.drop_table("mail_messages")
    op.drop_table("notification_preferences")
    with op.batch_alter_table("notification_events", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_events_unmailed")
        batch_op.drop_column("mailed_at")
