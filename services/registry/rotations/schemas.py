"""Rotations ending soon, as the API shows them."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field


class RotationEnding(BaseModel):
    """A unit whose rotation ends soon while it still holds weapons in the mission area."""

    mission: str
    contributing_country: str
    unit: str
    rotation_ends_on: date = Field(
        description="The planned end of the unit's rotation, else the mission's end date"
    )
    ends_by: Literal["planned_rotation_end", "mission_end"] = Field(
        description="``planned_rotation_end``: the ``rotation_end_date`` of the unit's latest "
        "``in`` manifest (a plan: reconciliation still waits for the unit's ``out``); "
        "``mission_end``: that manifest planned none, so the mission's end date stands"
    )
    weapons_held: int = Field(description="Weapons in minus weapons out, for this unit")
    last_crossing_date: date


class RotationsEnding(BaseModel):
    """The units of the caller's records whose rotation ends within the window."""

    items: list[RotationEnding]
    more: bool = Field(description="More units than ``limit`` end within the window")
