"""Request and response models of legal holds and disposal."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.common.submitted_by import SubmittedBy

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class HoldRequest(BaseModel):
    """Place a legal hold: disposal is blocked until it is lifted."""

    model_config = ConfigDict(extra="forbid")
    reason: Reason


class LiftRequest(BaseModel):
    """Lift the hold ``hold_id``, or the only one standing (409 when several stand)."""

    model_config = ConfigDict(extra="forbid")
    reason: Reason
    hold_id: str | None = None


class HoldLiftRequest(BaseModel):
    """Lift the hold named in the path."""

    model_config = ConfigDict(extra="forbid")
    reason: Reason


class HoldView(BaseModel):
    """A legal hold and, once lifted, who lifted it and why."""

    id: str
    declaration_id: str
    reason: str
    placed_at: datetime
    placed_by: str
    placed_by_org: str
    submitted_by: SubmittedBy | None = Field(
        default=None,
        description="Who placed it; null for holds placed before this field existed",
    )
    log_index: int
    lifted_at: datetime | None = None
    lifted_by: str | None = None
    lift_submitted_by: SubmittedBy | None = Field(
        default=None,
        description="Who lifted it; null while it stands and for lifts made before this"
        " field existed",
    )
    lift_reason: str | None = None
    lift_log_index: int | None = None


class DisposalView(BaseModel):
    """A disposal: the content is gone, the versions' hashes and the log remain."""

    declaration_id: str
    disposed_at: datetime
    disposed_by: str
    submitted_by: SubmittedBy = Field(description="Who disposed of it")
    versions_disposed: int
    log_index: int
