"""Request and response models of loss reports."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.countries import CountryCode
from services.common.dates import IsoDate
from services.common.submitted_by import SUBMITTED_BY_DESCRIPTION, SubmittedBy
from services.common.tables import UtcDatetime
from services.registry.manifests.schemas import Calibre, Identifier, LongText, Name
from services.registry.missions.schemas import MissionCode

MAX_LOSS_ITEMS = 1000
LossType = Literal["lost", "stolen", "captured_in_attack"]
LossCircumstance = Literal["ambush", "attack_on_base", "theft_from_armoury", "accident", "other"]


class Coordinates(BaseModel):
    """Where the loss took place, in WGS 84 decimal degrees."""

    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class LossItemIn(BaseModel):
    """A weapon by serial (``manufacturer`` only to tell apart two weapons with one serial)
    or ammunition by calibre and lot, as previously declared in by the contingent."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["weapon", "ammunition"]
    serial_number: Identifier | None = None
    manufacturer: Name | None = None
    calibre: Calibre | None = None
    lot_number: Identifier | None = None
    quantity: int | None = Field(default=None, ge=1, le=1_000_000_000)


class LossReportCreate(BaseModel):
    """Contingent-owned equipment lost, stolen or captured in an attack."""

    model_config = ConfigDict(extra="forbid")

    mission: MissionCode
    contributing_country: CountryCode
    unit: Name | None = None
    loss_type: LossType
    loss_date: IsoDate
    place: Name
    circumstance: LossCircumstance | None = Field(
        default=None,
        description="How the materiel was lost: in an ambush, an attack on a base, a theft"
        " from an armoury, an accident, or other (left out: not stated)",
    )
    coordinates: Coordinates | None = Field(
        default=None, description="The place's coordinates; they put the loss on the map"
    )
    circumstances: LongText
    reference: Name | None = None
    items: list[LossItemIn] = Field(min_length=1, max_length=MAX_LOSS_ITEMS)


class LossItemRead(BaseModel):
    """A lost item, with the identity it was matched to."""

    model_config = ConfigDict(from_attributes=True)

    line: int
    kind: str
    serial_number: str | None
    manufacturer: str | None
    model: str | None
    calibre: str | None
    lot_number: str | None
    quantity: int
    serial_key: str | None
    manufacturer_key: str | None
    calibre_key: str | None
    lot_key: str | None


class LossReportRead(BaseModel):
    """A stored loss report."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: str
    mission: str = Field(validation_alias="mission_code")
    contributing_country: str
    unit: str | None
    loss_type: str
    loss_date: date
    place: str
    circumstance: str | None = Field(description="null in reports made before it was asked")
    coordinates: Coordinates | None = Field(description="null when not given")
    circumstances: str
    reference: str | None
    item_count: int
    submitted_by: SubmittedBy | None = Field(
        validation_alias="actor", description=SUBMITTED_BY_DESCRIPTION
    )
    created_at: UtcDatetime


class LossReportDetail(LossReportRead):
    """A loss report with its items."""

    items: list[LossItemRead]
