"""Email for people: preferences, what each person is told, and the mail outbox.

NotificationPreference  one person's choice per event type (immediate, daily, never)
                        and language; absent: the defaults of their role
MailNotice              one event for one person (unique: a person is told of an event at
                        most once), waiting for its message (daily) or in one
MailMessage             one email to one person (an event, or a daily digest of several):
                        rendered, then sent through SMTP or, with none configured, kept
                        here as the local mail outbox the operator reads
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, DateTime, Index, Text
from sqlmodel import Field

from services.registry.models.manifests import ItemId
from services.registry.tables import RegistryTable


class NotificationPreference(RegistryTable, table=True):
    """A person's email preferences (only the person themself sets them)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        CheckConstraint(
            "language IS NULL OR language IN ('en', 'fr', 'pt', 'es')", name="language"
        ),
    )

    person_id: str = Field(primary_key=True, max_length=40)
    org: str = Field(max_length=64)
    language: str | None = Field(default=None, max_length=2)
    # {"alert.raised": "immediate", ...}: the types the person chose; others: defaults.
    events: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class MailNotice(RegistryTable, table=True):
    """One event for one person."""

    __tablename__ = "mail_notices"
    __table_args__ = (
        CheckConstraint("mode IN ('immediate', 'daily')", name="mode"),
        Index("ix_mail_notices_person_event", "person_id", "event_id", unique=True),
        Index("ix_mail_notices_waiting", "mode", "message_id", "person_id"),
    )

    id: int | None = Field(default=None, sa_type=ItemId, primary_key=True)
    person_id: str = Field(max_length=40)
    event_id: int = Field(sa_type=ItemId, foreign_key="notification_events.id")
    event_type: str = Field(max_length=40)
    variant: str = Field(max_length=16)
    mode: str = Field(max_length=16)
    message_id: int | None = Field(default=None, sa_type=ItemId, foreign_key="mail_messages.id")
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class MailMessage(RegistryTable, table=True):
    """One email; ``sending`` while an SMTP attempt is under way (never sent twice)."""

    __tablename__ = "mail_messages"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'kept', 'failed')", name="status"
        ),
        Index("ix_mail_messages_queue", "status", "next_attempt_at", "id"),
    )

    id: int | None = Field(default=None, sa_type=ItemId, primary_key=True)
    person_id: str = Field(max_length=40)
    org: str = Field(max_length=64)
    to_address: str = Field(max_length=254)
    language: str = Field(max_length=2)
    kind: str = Field(max_length=16, description="immediate or digest")
    subject: str = Field(max_length=300)
    text_body: str = Field(sa_column=Column(Text, nullable=False))
    html_body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=16)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=1000)
    next_attempt_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    sent_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
