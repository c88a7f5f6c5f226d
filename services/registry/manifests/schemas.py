"""Request and response models of deployment manifests.

Items are one flat model with a ``kind`` rather than a tagged union, so every
problem is located as ``items[17].serial_number`` (a union would put the tag in
the path). Which fields each kind requires is checked by the service, which
reports every missing field of every item at once.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, StringConstraints
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from services.common.countries import CountryCode
from services.common.dates import IsoDate
from services.common.submitted_by import SUBMITTED_BY_DESCRIPTION, SubmittedBy
from services.common.tables import UtcDatetime
from services.registry.missions.schemas import MissionCode
from services.registry.reference.schemas import (
    AmmunitionTypeCode,
    CategoryCode,
    ExplosiveTypeCode,
    OrdnanceTypeCode,
    QuantityUnit,
)

MAX_MANIFEST_ITEMS = 100_000

Direction = Literal["in", "out"]
ItemKind = Literal["weapon", "ammunition", "part", "ordnance", "explosive"]


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


# Trimmed, non-empty strings of bounded length.
Name = Annotated[str, _text(255)]
Identifier = Annotated[str, _text(128)]
Calibre = Annotated[str, _text(64)]
LongText = Annotated[str, _text(1000)]
# Checked against ISO 3166-1 by the service (a set lookup, cheaper than a validator call).
Alpha3 = Annotated[str, StringConstraints(to_upper=True, pattern=r"^[A-Za-z]{3}$")]


class ManifestItemIn(TypedDict):
    """One item: a ``weapon``, an ``ammunition`` lot, a ``part``, ``ordnance`` or an
    ``explosive``.

    weapon: category, manufacturer, model, calibre, serial_number (+ year_of_manufacture,
    country_of_manufacture, markings); ammunition: calibre, lot_number, quantity
    (+ ammunition_type, manufacturer, year_of_manufacture); part: description, quantity
    (+ serial_number); ordnance (mortar bombs, rockets, projectiles, grenades, landmines):
    ordnance_type, quantity (+ calibre or diameter, model, manufacturer, lot_number,
    year_of_manufacture, country_of_manufacture, markings); explosive (bulk explosives,
    detonators): explosive_type, quantity in quantity_unit (``units``, the default,
    ``kg`` or ``g``) (+ description, manufacturer, lot_number, year_of_manufacture,
    country_of_manufacture, markings). ``correction: true`` marks a deliberate
    correction: the in/out duplicate rules do not apply to it.
    """

    # A TypedDict validates about three times faster than a model over 100,000 items.
    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]

    kind: ItemKind
    category: NotRequired[CategoryCode | None]
    manufacturer: NotRequired[Name | None]
    model: NotRequired[Name | None]
    calibre: NotRequired[Calibre | None]
    serial_number: NotRequired[Identifier | None]
    year_of_manufacture: NotRequired[Annotated[int, Field(ge=1800, le=2100)] | None]
    country_of_manufacture: NotRequired[Alpha3 | None]
    markings: NotRequired[LongText | None]
    lot_number: NotRequired[Identifier | None]
    ammunition_type: NotRequired[AmmunitionTypeCode | None]
    quantity: NotRequired[Annotated[int, Field(ge=1, le=1_000_000_000)] | None]
    description: NotRequired[LongText | None]
    ordnance_type: NotRequired[OrdnanceTypeCode | None]
    explosive_type: NotRequired[ExplosiveTypeCode | None]
    quantity_unit: NotRequired[QuantityUnit | None]
    correction: NotRequired[bool]


class ManifestHeader(BaseModel):
    """The fields of a manifest other than its items (the form fields of an import)."""

    model_config = ConfigDict(extra="forbid")

    direction: Direction
    mission: MissionCode = Field(examples=["MINUSCA"])
    contributing_country: CountryCode = Field(examples=["SEN"])
    unit: Name = Field(examples=["SENBATT 7"])
    crossing_date: IsoDate
    crossing_point: Name | None = None
    reference: Name | None = None
    correction: bool = Field(
        default=False,
        description="The whole manifest corrects earlier ones: duplicate rules do not apply.",
    )
    closes_rotation: bool = Field(
        default=False,
        description="An ``out`` manifest that ends the contingent's rotation: weapons still "
        "held afterwards are flagged in reconciliation.",
    )
    rotation_end_date: IsoDate | None = Field(
        default=None,
        description="An ``in`` manifest's planned end of the unit's rotation, not before "
        "``crossing_date``: ``rotation.ending`` and the console's home count from it "
        "(else from the mission's end date). A plan, not proof of exit: reconciliation "
        "still waits for an ``out`` manifest closing the rotation or the mission's end.",
        examples=["2027-06-30"],
    )


class ManifestCreate(ManifestHeader):
    """A deployment manifest: materiel crossing into (``in``) or out of a mission area."""

    items: list[ManifestItemIn] = Field(min_length=1, max_length=MAX_MANIFEST_ITEMS)


def _json_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PydanticCustomError("dict_type", "Input should be a valid dictionary")
    return value


ManifestBody = Annotated[
    dict[str, Any], PlainValidator(_json_object, json_schema_input_type=ManifestCreate)
]
"""The body of ``POST /manifests``: documented as :class:`ManifestCreate`, received as the
parsed JSON object, so that the service reads it and lists every problem at once
(type errors, per-kind rules, in/out rules) instead of FastAPI stopping at the first kind."""


class ManifestRead(BaseModel):
    """A stored manifest (items at ``/manifests/{id}/items``)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    direction: str
    mission: str = Field(validation_alias="mission_code")
    contributing_country: str
    unit: str
    crossing_date: date
    crossing_point: str | None
    reference: str | None
    correction: bool = Field(validation_alias="is_correction")
    closes_rotation: bool
    rotation_end_date: date | None = None
    item_count: int
    submitted_by: SubmittedBy | None = Field(
        validation_alias="actor", description=SUBMITTED_BY_DESCRIPTION
    )
    created_at: UtcDatetime


class ManifestItemRead(BaseModel):
    """A stored item: the values as declared and their normalized match keys."""

    model_config = ConfigDict(from_attributes=True)

    line: int = Field(description="Index of the item in the manifest (0-based)")
    kind: str
    category: str | None
    manufacturer: str | None
    model: str | None
    calibre: str | None
    serial_number: str | None
    year_of_manufacture: int | None
    country_of_manufacture: str | None
    markings: str | None
    lot_number: str | None
    ammunition_type: str | None
    quantity: int
    description: str | None
    ordnance_type: str | None = None
    explosive_type: str | None = None
    quantity_unit: str | None = None
    correction: bool = Field(validation_alias="is_correction")
    serial_key: str | None
    manufacturer_key: str | None
    calibre_key: str | None
    lot_key: str | None
