"""Request and response models of embargoes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.common.countries import CountryCode
from services.common.dates import IsoDate
from services.common.tables import UtcDatetime

EmbargoScope = Literal["territory", "non_state"]
ExemptParty = Literal["government_forces"]


class EmbargoExemption(BaseModel):
    """A kind of presumed user the embargo no longer covers, from ``starts_on`` (until
    ``ends_on``), and the decision that says so."""

    model_config = ConfigDict(extra="forbid")

    party: ExemptParty = Field(
        description="government_forces: the government's security forces (as declared in"
        " a declaration's presumed_user_kind)"
    )
    starts_on: IsoDate
    ends_on: IsoDate | None = None
    reference: str = Field(min_length=1, max_length=255, examples=["UNSC res. 2693 (2023)"])
    note: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _ends_after_start(self) -> EmbargoExemption:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class EmbargoCreate(BaseModel):
    """An arms embargo on deliveries to a country."""

    model_config = ConfigDict(extra="forbid")

    country: CountryCode
    starts_on: IsoDate
    ends_on: IsoDate | None = None
    authority: str = Field(min_length=1, max_length=64, examples=["UN"])
    reference: str = Field(min_length=1, max_length=255, examples=["UNSC res. 1572 (2004)"])
    paragraph: str | None = Field(default=None, min_length=1, max_length=64, examples=["para. 7"])
    scope: EmbargoScope = Field(
        default="territory",
        description="territory: everyone in the country; non_state: non-governmental"
        " entities only (materiel of government forces raises no alert)",
    )
    exemptions: list[EmbargoExemption] = Field(default_factory=list, max_length=20)
    note: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _ends_after_start(self) -> EmbargoCreate:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class EmbargoWithdrawal(BaseModel):
    """Why an entry is withdrawn (it was never an arms embargo, it was entered by
    mistake): it is kept, no longer screened, and its alerts are closed with this reason."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000)


class EmbargoRead(BaseModel):
    """An embargo as configured."""

    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: str
    country: str
    starts_on: IsoDate
    ends_on: IsoDate | None
    authority: str
    reference: str
    paragraph: str | None
    scope: EmbargoScope
    exemptions: list[EmbargoExemption]
    note: str | None
    withdrawn_at: UtcDatetime | None = Field(
        description="When the entry was withdrawn (kept, no longer screened)"
    )
    withdrawal_reason: str | None
    created_by: str
    created_at: UtcDatetime
