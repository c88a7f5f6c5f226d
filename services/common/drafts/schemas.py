"""Requests and responses of the drafts routes (the same in every service)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.drafts.tables import MAX_COMMENT_LENGTH, MAX_TITLE_LENGTH
from services.common.errors import FieldProblem
from services.common.submitted_by import SubmittedBy
from services.common.tables import UtcDatetime

DraftStatus = Literal["draft", "awaiting_approval", "returned", "submitted", "withdrawn"]
DraftAction = Literal["created", "saved", "submitted", "returned", "approved", "withdrawn"]


class DraftWrite(BaseModel):
    """A draft as saved: the record's body as it would be posted (complete or not)."""

    model_config = ConfigDict(extra="forbid")

    body: dict[str, Any] = Field(
        description="The record's JSON as its creating POST takes it; may be incomplete"
        " or invalid (its problems are listed in the answer)."
    )
    title: str | None = Field(default=None, max_length=MAX_TITLE_LENGTH)


class DraftReturn(BaseModel):
    """Why the draft goes back to its editors."""

    model_config = ConfigDict(extra="forbid")

    comment: str = Field(min_length=1, max_length=MAX_COMMENT_LENGTH)


class DraftStep(BaseModel):
    """One step of a draft's history."""

    action: DraftAction
    actor: SubmittedBy
    at: UtcDatetime
    comment: str | None = None


class DraftRead(BaseModel):
    """A draft, its current problems and its history."""

    id: str
    status: DraftStatus
    organisation: str
    title: str | None
    body: dict[str, Any]
    created_by: SubmittedBy
    created_at: UtcDatetime
    updated_at: UtcDatetime
    version: int
    record_id: str | None = Field(
        description="The record created when the draft was approved (status submitted)."
    )
    problems: list[FieldProblem] = Field(
        description="What the record's creating POST would refuse in the body now; empty"
        " when it would pass the checks run on a draft (see the route's description)."
    )
    history: list[DraftStep]


class DraftSummary(BaseModel):
    """A draft in a list (its body, problems and history: ``GET`` the draft)."""

    id: str
    status: DraftStatus
    organisation: str
    title: str | None
    created_by: SubmittedBy
    created_at: UtcDatetime
    updated_at: UtcDatetime
    version: int
    record_id: str | None


def draft_summary(row: Any) -> DraftSummary:
    """A listed row as :class:`DraftSummary`."""
    return DraftSummary(
        id=row.id,
        status=row.status,
        organisation=row.organisation,
        title=row.title,
        created_by=SubmittedBy.model_validate(
            {"type": row.created_by_type, "id": row.created_by, "organisation": row.organisation}
        ),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        record_id=row.record_id,
    )
