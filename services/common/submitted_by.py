"""Who submitted a record, as every API shows it (ARCHITECTURE: ``submitted_by``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SUBMITTED_BY_DESCRIPTION = (
    "Who submitted it: a signed-in person or an API client, and its organisation;"
    " null for records made before this field existed (their actor's type was not kept)"
)


class SubmittedBy(BaseModel):
    """The actor of a record: a person or an API client, and its organisation."""

    type: Literal["person", "client"]
    id: str = Field(description="The person's id (psn_...) or the API client's id")
    organisation: str = Field(description="The organisation code the actor acted for")


def submitted_by_of(
    subject_type: str | None, subject_id: str | None, organisation: str | None
) -> SubmittedBy | None:
    """The stored actor columns as ``submitted_by``; None when any was not recorded."""
    if subject_type not in ("person", "client") or not subject_id or organisation is None:
        return None
    return SubmittedBy(type=subject_type, id=subject_id, organisation=organisation)
