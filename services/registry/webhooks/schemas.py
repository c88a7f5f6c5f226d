"""Webhook endpoints and their delivery log, as the API shows them."""

from __future__ import annotations

import json
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, computed_field

from services.common.tables import UtcDatetime

EventType = Literal[
    "alert.raised",
    "alert.updated",
    "manifest.accepted",
    "loss_report.accepted",
    "declaration.accepted",
    "declaration.amended",
    "rotation.ending",
    "webhook.disabled",
]


class WebhookCreate(BaseModel):
    """An endpoint to register: where, and for which event types."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        max_length=2048,
        description="HTTPS URL on a public address (checked after DNS resolution)",
        examples=["https://nsis.example.gov.sn/hooks/salw"],
    )
    events: list[str] = Field(
        max_length=20,
        description="Event types to receive (at least one): " + ", ".join(get_args(EventType)),
        examples=[["alert.raised", "alert.updated"]],
    )


class WebhookRead(BaseModel):
    """A registered endpoint (its secret is never shown again)."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: str
    organisation: str = Field(validation_alias="org")
    url: str
    events: list[str]
    status: Literal["active", "disabled"]
    disabled_reason: str | None
    disabled_at: UtcDatetime | None
    created_by: str
    created_at: UtcDatetime


class WebhookCreated(WebhookRead):
    """The endpoint just registered, with its signing secret: shown this once."""

    secret: str | None = Field(
        description="Standard Webhooks signing secret (whsec_...); null on an idempotent"
        " replay, which never shows it again"
    )


class DeliveryRead(BaseModel):
    """One event sent (or to be sent) to the endpoint: the delivery log."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    message_id: str = Field(description="The webhook-id header: the same on every attempt")
    event_type: str
    variant: Literal["full", "redacted"]
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: UtcDatetime
    first_failed_at: UtcDatetime | None
    last_attempt_at: UtcDatetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: UtcDatetime | None
    redelivery_of: int | None
    created_at: UtcDatetime
    body: str = Field(exclude=True)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def payload(self) -> dict[str, Any]:
        """The JSON body as signed and sent."""
        value: dict[str, Any] = json.loads(self.body)
        return value
