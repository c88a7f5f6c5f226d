"""The reference lists' codes as types, their response models, and the trail's entries.

The codes are part of the API contract; ``service.py`` gives each its labels,
and a test keeps the two (and the declarations service's copy) equal.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.tables import UtcDatetime

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
    "shotgun",
    "craft_made",
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


OrdnanceTypeCode = Literal[
    "mortar_bomb",
    "rocket",
    "projectile",
    "hand_grenade",
    "rifle_grenade",
    "anti_personnel_mine",
    "anti_vehicle_mine",
    "other",
]
ExplosiveTypeCode = Literal["bulk_explosive", "detonator", "detonating_cord", "other"]
SerialStatus = Literal["present", "obliterated", "partial", "none"]
"""``present`` (the default; also what an absent status means); ``partial``: the serial
holds the legible part, matched by trace as a pattern; ``obliterated`` and ``none`` (a
weapon never marked, as craft-made ones): no serial, never matched by serial."""
QuantityUnit = Literal["units", "kg", "g"]


class LabelledCode(BaseModel):
    """A stable code with its English and French labels."""

    code: str
    label_en: str
    label_fr: str
    group: str | None = None


class ReferenceList(BaseModel):
    """A whole reference list (short; never paginated)."""

    items: list[LabelledCode]


class ReferenceChangeRead(BaseModel):
    """One change to reference data: who, when, from where, and the entity before (null
    when it was created) and after."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: UtcDatetime
    actor: str = Field(description="Client id of the caller")
    actor_org: str | None = Field(description="Organisation code of the caller")
    address: str | None = Field(description="Network address the request came from")
    request_id: str | None = Field(description="The request's X-Request-ID")
    entity: Literal["mission", "embargo", "armed_group", "headstamp"]
    key: str = Field(description="Mission code, embargo id, armed group or headstamp code")
    action: Literal["create", "update"]
    before: dict[str, Any] | None
    after: dict[str, Any]
    reason: str | None = Field(
        default=None,
        description="Why: required for changes to armed groups and headstamp codes (null in"
        " additions and in entries written before it was recorded)",
    )
