"""Request and response models of missions."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from services.common.countries import CountryCode
from services.common.dates import IsoDate
from services.common.tables import UtcDatetime

MissionCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z][A-Za-z0-9-]{1,31}$"
    ),
]
Authority = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z][A-Za-z0-9_-]{1,31}$"
    ),
]


class MissionCreate(BaseModel):
    """A peace operation to add to the reference list."""

    model_config = ConfigDict(extra="forbid")

    code: MissionCode = Field(examples=["MINUSCA"])
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
    authority: Authority = Field(
        description="Mandating body: UN, AU, ECOWAS, ECCAS, ... It owns the mission: a"
        " community's missions are added and changed by its secretariat (and the operator),"
        " any other body's by the operator only",
        examples=["UN"],
    )
    host_countries: list[CountryCode] = Field(min_length=1, max_length=20)
    start_date: IsoDate = Field(
        description="The date the mandate began: the date from which the establishing"
        " resolution or decision says it runs, or its adoption date when it names none"
    )
    end_date: IsoDate | None = None
    source: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="The mandate the start date is taken from",
        examples=["UNSC res. 2149 (2014)"],
    )
    note: str | None = Field(default=None, max_length=1000, description='What to confirm ("check")')

    @model_validator(mode="after")
    def _dates_in_order(self) -> MissionCreate:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class MissionUpdate(BaseModel):
    """Changes to a mission (JSON Merge Patch, RFC 7396): a member left out is unchanged;
    ``end_date: null`` removes the end date, ``note: null`` the note. Code, authority,
    host countries and start date are not editable (manifests and declarations refer to
    them)."""

    model_config = ConfigDict(extra="forbid")

    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
        | None
    ) = Field(default=None, description="Cannot be null")
    end_date: IsoDate | None = Field(
        default=None, description="When the mission ended (its contingents' rotations too)"
    )
    source: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="The mandate the start date is taken from (cannot be null)",
    )
    note: str | None = Field(default=None, max_length=1000, description='"check" marks')

    @model_validator(mode="after")
    def _name_not_null(self) -> MissionUpdate:
        if "name" in self.model_fields_set and self.name is None:
            raise ValueError("name cannot be null")
        if "source" in self.model_fields_set and self.source is None:
            raise ValueError("source cannot be null")
        return self


class MissionRead(BaseModel):
    """A mission as the register knows it."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    authority: str
    host_countries: list[str]
    start_date: date
    end_date: date | None
    source: str | None = None
    note: str | None = None
    created_at: UtcDatetime
