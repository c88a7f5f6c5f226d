"""Response models of reconciliation."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["balanced", "held", "not_taken_out", "declared_in_twice", "more_out_than_in"]


class Evidence(BaseModel):
    """The latest record of one kind behind a reconciliation line."""

    movement: Literal["in", "out", "lost", "destroyed"]
    record: Literal["manifest", "loss_report", "declaration"]
    id: str
    date: date


class ReconciliationLine(BaseModel):
    """in − out − lost − destroyed for one weapon or one ammunition lot of a contingent."""

    kind: Literal["weapon", "ammunition"]
    mission: str
    contributing_country: str
    unit: str | None = Field(
        description="Unit of the latest in-movement: whose rotation decides not_taken_out"
    )
    category: str | None
    manufacturer: str | None
    model: str | None
    calibre: str | None
    serial_number: str | None
    lot_number: str | None
    quantity_in: int
    quantity_out: int
    quantity_lost: int
    quantity_destroyed: int = Field(
        description="destroyed as declared by the contributing state itself (declarations index)"
    )
    balance: int
    status: Status = Field(
        description="balanced: nothing left; held: in the area during the rotation; "
        "not_taken_out: still held after the unit's rotation ended; declared_in_twice: a weapon's "
        "balance above 1; more_out_than_in: a negative balance"
    )
    discrepancy: bool
    rotation_ended: bool
    evidence: list[Evidence]
    match_key: list[str]
