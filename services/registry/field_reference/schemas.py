"""Request and response models of armed groups and headstamp codes."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from services.common.countries import CountryCode
from services.common.dates import IsoDate
from services.common.tables import UtcDatetime

GroupCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9_]{1,31}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Alias = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Source = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
StampCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"^\S+$")
]


class ArmedGroupCreate(BaseModel):
    """An armed group: presumed users declared by any of its names resolve to it."""

    model_config = ConfigDict(extra="forbid")

    code: GroupCode = Field(examples=["JNIM"])
    name: Name
    aliases: list[Alias] = Field(default_factory=list, max_length=50)
    active_from: IsoDate | None = None
    active_to: IsoDate | None = None
    part_of: GroupCode | None = Field(
        default=None, description="the group it merged into (listings of that group cover it)"
    )
    source: Source
    note: Note | None = Field(default=None, description='"check" where unsure')

    @model_validator(mode="after")
    def _ends_after_start(self) -> ArmedGroupCreate:
        if self.active_from and self.active_to and self.active_to < self.active_from:
            raise ValueError("active_to is before active_from")
        return self


class ArmedGroupRead(BaseModel):
    """An armed group as listed."""

    model_config = ConfigDict(from_attributes=True, extra="ignore")

    code: str
    name: str
    aliases: list[str]
    active_from: IsoDate | None
    active_to: IsoDate | None
    part_of: str | None
    source: str
    note: str | None
    created_at: UtcDatetime


class HeadstampCodeCreate(BaseModel):
    """A factory code as stamped on cartridge heads and the maker it stands for."""

    model_config = ConfigDict(extra="forbid")

    code: StampCode = Field(examples=["539"])
    maker: Name
    country: CountryCode | None = None
    source: Source
    note: Note | None = Field(default=None, description='"check" where unsure')


class HeadstampCodeRead(BaseModel):
    """A headstamp code as listed."""

    model_config = ConfigDict(from_attributes=True, extra="ignore")

    code: str
    maker: str
    country: str | None
    source: str
    note: str | None
    created_at: UtcDatetime


Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class ArmedGroupUpdate(BaseModel):
    """Changes to an armed group. A member left out is unchanged; ``null`` clears
    ``active_from``, ``active_to``, ``part_of`` or ``note`` (``name`` and ``source``
    cannot be null). Aliases are added and removed by name, so two editors adding
    aliases at once both keep theirs. ``reason`` (required) is kept in the reference
    trail with the group before and after."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason = Field(examples=["alias used in the Panel of Experts' 2024 report"])
    name: Name | None = Field(default=None, description="Cannot be null")
    add_aliases: list[Alias] = Field(default_factory=list, max_length=50)
    remove_aliases: list[Alias] = Field(default_factory=list, max_length=50)
    active_from: IsoDate | None = None
    active_to: IsoDate | None = Field(default=None, description="Retires the group from then")
    part_of: GroupCode | None = None
    source: Source | None = Field(default=None, description="Cannot be null")
    note: Note | None = None

    @model_validator(mode="after")
    def _required_stay_set(self) -> ArmedGroupUpdate:
        for name in ("name", "source"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class HeadstampCodeUpdate(BaseModel):
    """Changes to a headstamp code. A member left out is unchanged; ``null`` clears
    ``country`` or ``note`` (``maker`` and ``source`` cannot be null). ``reason``
    (required) is kept in the reference trail with the entry before and after."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason = Field(examples=["maker corrected from the 2023 ammunition profile"])
    maker: Name | None = Field(default=None, description="Cannot be null")
    country: CountryCode | None = None
    source: Source | None = Field(default=None, description="Cannot be null")
    note: Note | None = None

    @model_validator(mode="after")
    def _required_stay_set(self) -> HeadstampCodeUpdate:
        for name in ("maker", "source"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self
