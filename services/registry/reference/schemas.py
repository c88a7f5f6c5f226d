"""The reference lists' codes as types, and their response models.

The codes are part of the API contract; ``service.py`` gives each its labels,
and a test keeps the two (and the declarations service's copy) equal.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

CategoryCode = Literal[
    "revolver_pistol",
    "rifle_carbine",
    "submachine_gun",
    "assault_rifle",
    "light_machine_gun",
    "heavy_machine_gun",
    "grenade_launcher",
    "portable_anti_aircraft_gun",
    "portable_anti_tank_gun",
    "recoilless_rifle",
    "anti_tank_launcher",
    "manpads",
    "mortar",
    "other",
]
AmmunitionTypeCode = Literal[
    "ball",
    "tracer",
    "armour_piercing",
    "armour_piercing_incendiary",
    "incendiary",
    "high_explosive",
    "high_explosive_dual_purpose",
    "smoke",
    "illumination",
    "buckshot",
    "blank",
    "practice",
    "other",
]


class LabelledCode(BaseModel):
    """A stable code with its English and French labels."""

    code: str
    label_en: str
    label_fr: str
    group: str | None = None


class ReferenceList(BaseModel):
    """A whole reference list (short; never paginated)."""

    items: list[LabelledCode]
