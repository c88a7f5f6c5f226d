"""Documents of the weapon-index feed."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class FeedError(BaseModel):
    """The most recent failed delivery."""

    log_index: int
    attempted_at: datetime
    error: str


class FeedStatus(BaseModel):
    """How far the registry's weapon index is behind the log."""

    relay_enabled: bool
    relay_configured: bool
    pending: int
    last_error: FeedError | None


class FeedPass(BaseModel):
    """What one delivery pass did."""

    delivered: int
    failed: int
    waiting: int
    errors: list[str]
