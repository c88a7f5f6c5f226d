"""Response models of declarations: what a write returns and how a record reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from services.common.submitted_by import SUBMITTED_BY_DESCRIPTION, SubmittedBy
from services.declarations.declarations.schemas import DeclarationType


class DeclarationCreated(BaseModel):
    """What a successful declaration or amendment returns (the ETag is also a header)."""

    id: str
    version: int
    log_index: int
    retain_until: date
    record_sha256: str
    etag: str


class BatchCreated(BaseModel):
    """The declarations of a batch, in request order, and the log size after them."""

    items: list[DeclarationCreated]
    tree_size: int = Field(description="size of the signed checkpoint that logged the batch")


class DeclarationView(BaseModel):
    """One declaration: metadata of its current version and the record itself."""

    id: str
    type: DeclarationType
    declaring_country: str
    version: int
    event_date: date
    mission: str | None
    undeclared: bool
    declared_at: datetime
    retain_until: date
    record_sha256: str
    log_index: int
    submitted_by: SubmittedBy | None = Field(
        default=None,
        description="Who declared it (its first version); null for declarations made before"
        " this field existed",
    )
    disposed_at: datetime | None = None
    disposal_log_index: int | None = Field(
        default=None,
        description="index of the disposal entry in the log once disposed: a record that is"
        " null without one was removed behind the register's back",
    )
    disposal_submitted_by: SubmittedBy | None = Field(
        default=None,
        description="who disposed of it; null while it is kept and for disposals made before"
        " this field existed",
    )
    record: dict[str, Any] | None = Field(
        description="the canonical record of this version; null once disposed"
    )


class DeclarationSummary(BaseModel):
    """A declaration in a list."""

    id: str
    type: DeclarationType
    declaring_country: str
    version: int
    event_date: date
    mission: str | None
    undeclared: bool
    declared_at: datetime
    retain_until: date
    submitted_by: SubmittedBy | None = Field(description=SUBMITTED_BY_DESCRIPTION)
    disposed: bool


class VersionView(BaseModel):
    """One version of a declaration."""

    version: int
    record_sha256: str
    log_index: int
    reason: str | None
    created_at: datetime
    created_by: str
    submitted_by: SubmittedBy | None = Field(description=SUBMITTED_BY_DESCRIPTION)
    retain_until: date
    record: dict[str, Any] | None
