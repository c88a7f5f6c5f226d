"""The notifications outbox and the webhook endpoints it is delivered to.

NotificationEvent   one event (``alert.raised``, ``manifest.accepted`` ...), written in the
                    transaction of what caused it, with its payload variants and the
                    grants saying who may receive which variant; ``fanned_out_at`` once
                    a delivery row exists for every endpoint that may receive it
WebhookEndpoint     an organisation's HTTPS endpoint, its event types, its signing
                    secret (encrypted at rest) and what its organisation may read
WebhookDelivery     one event for one endpoint: the signed body, its attempts and outcome
                    (the delivery log); delivered in ``id`` order per endpoint
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, DateTime, Index, Text
from sqlmodel import Field

from services.common.tables import utcnow
from services.registry.models.manifests import ItemId
from services.registry.tables import RegistryTable


class NotificationEvent(RegistryTable, table=True):
    """One event of the outbox; rows are only added (and marked fanned out)."""

    __tablename__ = "notification_events"
    __table_args__ = (
        Index("ix_notification_events_dedupe_key", "dedupe_key", unique=True),
        Index("ix_notification_events_pending", "fanned_out_at", "id"),
        Index("ix_notification_events_unmailed", "mailed_at", "id"),
    )

    id: int | None = Field(default=None, sa_type=ItemId, primary_key=True)
    message_id: str = Field(max_length=40, unique=True, description="webhook-id (msg_...)")
    type: str = Field(max_length=40)
    subject_id: str = Field(max_length=64)
    dedupe_key: str | None = Field(default=None, max_length=400)
    # {"full": {...}, "redacted": {...}}: the ``data`` of each variant.
    payloads: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    # [{"variant", "readers", "all_of": [[country, date], ...], "org"?}], first match wins.
    grants: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    occurred_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    fanned_out_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # Once a mail notice exists for every person who may be told of it (models/mail.py).
    mailed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class WebhookEndpoint(RegistryTable, table=True):
    """An organisation's endpoint; disabled, never deleted."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'disabled')", name="status"),
        CheckConstraint("org_type IN ('member_state', 'secretariat', 'operator')", name="org_type"),
        Index("ix_webhook_endpoints_org", "org", "created_at", "id"),
    )

    id: str = Field(primary_key=True, max_length=36)
    org: str = Field(max_length=64)
    org_type: str = Field(max_length=16)
    country: str | None = Field(default=None, max_length=3)
    community: str | None = Field(default=None, max_length=16)
    # The membership periods of a secretariat's community ([[country, joined, left|null]]),
    # as last seen by the registry: what the endpoint may read.
    periods: list[list[Any]] = Field(sa_column=Column(JSON, nullable=False))
    reads_everything: bool = Field(default=False)
    url: str = Field(max_length=2048)
    events: list[str] = Field(sa_column=Column(JSON, nullable=False))
    secret_sealed: str = Field(sa_type=Text)
    status: str = Field(default="active", max_length=16)
    disabled_reason: str | None = Field(default=None, max_length=1000)
    disabled_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_by: str = Field(max_length=255)
    created_by_type: str = Field(max_length=8)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class WebhookDelivery(RegistryTable, table=True):
    """One event for one endpoint, and how its delivery went."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="status"),
        Index("ix_webhook_deliveries_queue", "endpoint_id", "status", "id"),
    )

    id: int | None = Field(default=None, sa_type=ItemId, primary_key=True)
    endpoint_id: str = Field(foreign_key="webhook_endpoints.id", max_length=36)
    event_id: int = Field(foreign_key="notification_events.id", sa_type=ItemId)
    message_id: str = Field(max_length=40)
    event_type: str = Field(max_length=40)
    variant: str = Field(max_length=16)
    body: str = Field(sa_type=Text)
    status: str = Field(default="pending", max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    first_failed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    last_status_code: int | None = Field(default=None)
    last_error: str | None = Field(default=None, max_length=1000)
    last_attempt_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    delivered_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    redelivery_of: int | None = Field(default=None, sa_type=ItemId)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
