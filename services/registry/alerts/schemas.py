"""Request and response models of alerts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.submitted_by import SubmittedBy
from services.common.tables import UtcDatetime

AlertKind = Literal[
    "diversion", "linkage", "embargo", "unreturned", "destroyed_twice", "context_amended"
]
AlertStatus = Literal["open", "acknowledged", "closed"]
AlertOutcome = Literal["confirmed_diversion", "not_same_item", "duplicate", "other"]
AlertAction = Literal[
    "raised", "assigned", "acknowledged", "commented", "closed", "reopened", "evidence_added"
]
PersonId = Annotated[
    str,
    Field(
        pattern=r"^psn_[0-9a-f]{32}$",
        description="A person's id (the `sub` of their tokens, whose `sub_type` is person)",
    ),
]
BULK_LIMIT = 500
"""At most this many alerts are acknowledged by one bulk request."""


class Assignee(BaseModel):
    """The person of a secretariat following an alert up."""

    id: str
    organisation: str


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
    assignee: Assignee | None = Field(default=None, description="Who follows it up, if anyone")
    outcome: AlertOutcome | None = Field(
        default=None,
        description="What closing it found; null while it is not closed, and for alerts"
        " closed before outcomes were recorded",
    )
    outcome_note: str | None = None
    version: int = Field(description="Bumped by each change of status or assignee (the ETag)")


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
    action: AlertAction | None = None


class AlertDetail(AlertRead):
    """An alert and its audit trail."""

    events: list[AlertEventRead]


class AcknowledgeRequest(BaseModel):
    """Acknowledging an open alert, optionally with a note."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=4000)


class CloseRequest(BaseModel):
    """Closing an alert with what was found; the note is required with ``other``."""

    model_config = ConfigDict(extra="forbid")

    outcome: AlertOutcome
    note: str | None = Field(default=None, min_length=1, max_length=4000)


class AssignRequest(BaseModel):
    """Assigning an alert to a person of the caller's secretariat (null: nobody)."""

    model_config = ConfigDict(extra="forbid")

    assignee: PersonId | None


class CommentRequest(BaseModel):
    """A comment on an alert, whatever its status."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)


class ReopenRequest(BaseModel):
    """Reopening a closed alert: the reason is kept in its history."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=4000)


class BulkFilter(BaseModel):
    """The open alerts to acknowledge, chosen as the queue chooses them."""

    model_config = ConfigDict(extra="forbid")

    kind: AlertKind | None = None
    country: str | None = Field(default=None, min_length=3, max_length=3)
    mission: str | None = Field(default=None, max_length=32)
    assignee: PersonId | None = None
    raised_from: date | None = None
    raised_to: date | None = None
    record_from: date | None = None
    record_to: date | None = None


class BulkAcknowledgeRequest(BaseModel):
    """Acknowledging many alerts at once (a linkage flood): ``ids`` or ``filter``, not
    both; all or nothing, at most BULK_LIMIT alerts."""

    model_config = ConfigDict(extra="forbid")

    ids: list[Annotated[str, Field(max_length=36)]] | None = Field(
        default=None, min_length=1, max_length=BULK_LIMIT
    )
    filter: BulkFilter | None = None
    note: str | None = Field(default=None, max_length=4000)


class BulkResult(BaseModel):
    """What became of one alert of a bulk request."""

    id: str
    result: Literal["acknowledged", "already_acknowledged"]
    version: int


class BulkAcknowledged(BaseModel):
    """Every alert the request named, each with its result."""

    acknowledged: int
    unchanged: int
    results: list[BulkResult]


class AlertHistoryEntry(BaseModel):
    """One step of an alert's triage, as it was written (never changed since)."""

    id: int
    at: UtcDatetime
    action: AlertAction
    actor: SubmittedBy | None = Field(
        description="Who took the step; null for the registry's own (raising, closing on an"
        " embargo's withdrawal) and for steps taken before actors' types were recorded"
    )
    from_status: AlertStatus | None
    to_status: AlertStatus
    from_assignee: str | None = None
    to_assignee: str | None = None
    outcome: AlertOutcome | None = None
    comment: str | None = Field(
        description="The note, comment or reason given with the step (for a raising: the summary)"
    )


class AlertHistory(BaseModel):
    """An alert's history, oldest first."""

    alert_id: str
    items: list[AlertHistoryEntry]


class AlertCount(BaseModel):
    """How many alerts of one kind are in one status."""

    kind: AlertKind
    status: AlertStatus
    count: int


class AlertCounts(BaseModel):
    """The queue's counts by kind and status, within the caller's view and filters."""

    total: int
    items: list[AlertCount]
