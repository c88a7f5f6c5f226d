"""Audit trail documents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventOut(BaseModel):
    """One event: what happened, to what, by whom, from where, when."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    event: str
    actor: str
    actor_org: str | None
    address: str | None
    subject: str | None
    details: dict[str, Any]
    request_id: str | None
