"""Request and response models of incidents."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.dates import IsoDate
from services.common.submitted_by import SubmittedBy
from services.declarations.declarations.schemas import Location, LongText, Text

IncidentType = Literal[
    "attack_on_mission",
    "attack_on_national_forces",
    "cache",
    "checkpoint_seizure",
    "ddr",
    "voluntary_surrender",
    "banditry",
    "other",
]


class IncidentCreate(BaseModel):
    """An incident materiel was recovered from; declarations name it by ``incident_id``."""

    model_config = ConfigDict(extra="forbid")

    type: IncidentType
    date: IsoDate
    location: Location
    presumed_user: Text | None = Field(
        default=None,
        description="as reported, kept verbatim (the registry resolves it to an armed group"
        " through its list's names and aliases)",
        examples=["Katibat Macina"],
    )
    description: LongText | None = None


class IncidentView(BaseModel):
    """An incident as its creator declared it."""

    id: str
    type: IncidentType
    date: IsoDate
    location: Location
    presumed_user: str | None
    description: str | None
    created_at: datetime
    submitted_by: SubmittedBy
