"""Response models of holdings."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Holding(BaseModel):
    """A weapon a contingent holds in the mission area now, or an ammunition lot balance."""

    kind: Literal["weapon", "ammunition"]
    mission: str
    contributing_country: str
    unit: str | None = Field(
        description="Unit of the latest in-movement (by crossing date): the unit holding it"
    )
    category: str | None
    manufacturer: str | None
    model: str | None
    calibre: str | None
    serial_number: str | None = Field(description="As declared (weapons)")
    lot_number: str | None = Field(description="As declared (ammunition)")
    quantity: int = Field(description="1 for a weapon; rounds held for a lot")
    match_key: list[str] = Field(
        description="Normalized key: [serial, manufacturer] or [calibre, lot]"
    )
