"""Request and response models of embargoes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.common.countries import CountryCode
from services.common.dates import IsoDate
from services.common.tables import UtcDatetime


class EmbargoCreate(BaseModel):
    """An arms embargo on deliveries to a country."""

    model_config = ConfigDict(extra="forbid")

    country: CountryCode
    starts_on: IsoDate
    ends_on: IsoDate | None = None
    authority: str = Field(min_length=1, max_length=64, examples=["UN"])
    reference: str = Field(min_length=1, max_length=255, examples=["UNSC res. 1572 (2004)"])
    note: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _ends_after_start(self) -> EmbargoCreate:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class EmbargoRead(EmbargoCreate):
    """An embargo as configured."""

    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: str
    created_by: str
    created_at: UtcDatetime
