"""Request and response models of alerts."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.submitted_by import SubmittedBy
from services.common.tables import UtcDatetime

AlertKind = Literal[
    "diversion", "linkage", "embargo", "unreturned", "destroyed_twice", "context_amended"
]
AlertStatus = Literal["open", "acknowledged", "closed"]


class AlertRead(BaseModel):
    """An alert with its evidence (declaration, manifests, items that triggered it)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: AlertKind
    status: AlertStatus
    summary: str
    country: str = Field(description="The state the alert concerns most")
    mission: str | None = Field(validation_alias="mission_code")
    declaration_id: str | None
    record_date: date
    evidence: dict[str, Any]
    created_at: UtcDatetime
    updated_at: UtcDatetime


class AlertEventRead(BaseModel):
    """One transition of an alert (the first is its raising)."""

    model_config = ConfigDict(from_attributes=True)

    from_status: AlertStatus | None
    to_status: AlertStatus
    note: str | None
    actor: str
    actor_org: str
    submitted_by: SubmittedBy | None = Field(
        description="Who made the transition; null for the registry's own (raising) and"
        " for transitions made before this field existed"
    )
    at: UtcDatetime


class AlertDetail(AlertRead):
    """An alert and its audit trail."""

    events: list[AlertEventRead]


class AcknowledgeRequest(BaseModel):
    """Acknowledging an open alert, optionally with a note."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=4000)


class CloseRequest(BaseModel):
    """Closing an alert: the note says what was found."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=4000)
