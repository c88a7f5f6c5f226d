"""Organisation documents."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.auth.params import PRINTABLE

OrgTypeField = Literal["member_state", "secretariat", "operator"]


class OrganisationCreate(BaseModel):
    """A new organisation: a member state's ministry (alpha-3 code), a secretariat
    (its community's code, e.g. ``ECOWAS``) or an operator."""

    model_config = ConfigDict(extra="forbid")

    type: OrgTypeField
    code: str = Field(pattern=r"^[A-Za-z0-9_]{2,16}$", examples=["SEN", "ECOWAS"])
    name: str = Field(
        min_length=1, max_length=200, pattern=PRINTABLE, examples=["Ministère des Forces armées"]
    )


class OrganisationOut(BaseModel):
    """An organisation."""

    model_config = ConfigDict(from_attributes=True)

    type: OrgTypeField
    code: str
    name: str
    created_at: datetime
