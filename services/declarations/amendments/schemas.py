"""Request model of an amendment."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class Amendment(BaseModel):
    """A new version: a JSON Merge Patch (RFC 7396) on the current record, with its reason."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    changes: dict[str, Any] = Field(
        description="JSON Merge Patch on the current record; null removes a member",
        min_length=1,
    )
