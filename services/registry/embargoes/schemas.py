"""Request and response models of embargoes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from services.common.countries import CountryCode
from services.common.dates import IsoDate
from services.common.tables import UtcDatetime

EmbargoScope = Literal["territory", "non_state", "listed_entities"]
GroupCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9_]{1,31}$")]
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
    """An arms embargo on deliveries to a country, or to listed entities wherever they are."""

    model_config = ConfigDict(extra="forbid")

    country: CountryCode | None = Field(
        default=None, description="required, except for scope listed_entities (none)"
    )
    starts_on: IsoDate
    ends_on: IsoDate | None = None
    authority: str = Field(min_length=1, max_length=64, examples=["UN"])
    reference: str = Field(min_length=1, max_length=255, examples=["UNSC res. 1572 (2004)"])
    paragraph: str | None = Field(default=None, min_length=1, max_length=64, examples=["para. 7"])
    scope: EmbargoScope = Field(
        default="territory",
        description="territory: everyone in the country; non_state: non-governmental"
        " entities only (materiel of government forces raises no alert); listed_entities:"
        " the armed groups in listed_groups (and groups part of them) wherever they are",
    )
    listed_groups: list[GroupCode] = Field(
        default_factory=list,
        max_length=200,
        description="listed_entities only: codes of /registry/v1/reference/armed-groups",
    )
    exemptions: list[EmbargoExemption] = Field(default_factory=list, max_length=20)
    note: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _ends_after_start(self) -> EmbargoCreate:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        listed = self.scope == "listed_entities"
        if listed and (self.country is not None or not self.listed_groups):
            raise ValueError("scope listed_entities names listed_groups and no country")
        if not listed and (self.country is None or self.listed_groups):
            raise ValueError(f"scope {self.scope} names a country and no listed_groups")
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
    country: str | None
    starts_on: IsoDate
    ends_on: IsoDate | None
    authority: str
    reference: str
    paragraph: str | None
    scope: EmbargoScope
    listed_groups: list[str]
    exemptions: list[EmbargoExemption]
    note: str | None
    withdrawn_at: UtcDatetime | None = Field(
        description="When the entry was withdrawn (kept, no longer screened)"
    )
    withdrawal_reason: str | None
    created_by: str
    created_at: UtcDatetime
