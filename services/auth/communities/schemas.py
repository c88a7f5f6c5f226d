"""Community and membership documents."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.auth.params import PRINTABLE
from services.common.dates import IsoDate


class MembershipOut(BaseModel):
    """A state's membership: from ``joined`` until before ``left`` (null: still a member)."""

    id: int
    country: str = Field(examples=["SEN"])
    joined: date
    left: date | None = Field(description="First day the state is no longer a member.")


class CommunityOut(BaseModel):
    """A regional community and its members over time."""

    code: str = Field(examples=["ECOWAS"])
    name: str
    memberships: list[MembershipOut]


class CommunityCreate(BaseModel):
    """A new community (its secretariat can then be created as an organisation)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[A-Z][A-Z0-9]{1,15}$", examples=["AES"])
    name: str = Field(min_length=1, max_length=200, pattern=PRINTABLE)


class MembershipCreate(BaseModel):
    """A membership period to add."""

    model_config = ConfigDict(extra="forbid")

    country: str = Field(pattern=r"^[A-Za-z]{3}$", examples=["SEN"])
    joined: IsoDate
    left: IsoDate | None = None


class MembershipUpdate(BaseModel):
    """Fields to change; send ``"left": null`` to reopen a membership."""

    model_config = ConfigDict(extra="forbid")

    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$")
    joined: IsoDate | None = None
    left: IsoDate | None = None
