"""Documents of the weapon-index feed."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class FeedError(BaseModel):
    """The most recent failed delivery."""

    log_index: int
    attempted_at: datetime
    error: str


class FeedRejection(BaseModel):
    """A log entry the registry refused for good (``regctl index rejected`` lists them all)."""

    log_index: int
    declaration_id: str
    version: int | None = Field(description="null for a disposal entry")
    rejected_at: datetime
    error: str = Field(description="the registry's answer")


class FeedStatus(BaseModel):
    """How far the registry's weapon index is behind the log."""

    relay_enabled: bool
    relay_configured: bool
    pending: int = Field(description="entries not yet settled; the relay keeps trying them")
    rejected: int = Field(
        description="entries the registry refused for good (a 4xx about the entry itself);"
        " the relay no longer tries them and they do not hold up the feed"
    )
    last_error: FeedError | None = Field(description="the most recent failure of any kind")
    last_rejection: FeedRejection | None


class FeedPass(BaseModel):
    """What one delivery pass did."""

    delivered: int
    rejected: int = Field(description="entries the registry refused for good in this pass")
    failed: int = Field(description="entries that failed and will be tried again")
    waiting: int = Field(description="pending entries waiting out a backoff after failures")
    errors: list[str]
