"""Response models of statistics."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

GroupBy = Literal[
    "country", "mission", "category", "kind", "item_type", "serial_status", "year", "type"
]


class StatisticsRow(BaseModel):
    """Counts of one group in one register."""

    source: Literal["manifests", "declarations"]
    key: str | None = Field(description="The group's value (null: not recorded)")
    records: int = Field(description="Item rows")
    quantity: int = Field(
        description="Weapons plus rounds, parts, ordnance and explosives counted in units"
    )
    mass_kg: float = Field(
        default=0, description="Explosives recorded by weight (kilograms or grams), in kilograms"
    )


class Statistics(BaseModel):
    """Counts per group over manifests and declarations the caller may read."""

    group_by: GroupBy
    date_from: date | None
    date_to: date | None
    items: list[StatisticsRow]
    traced_weapons: int = Field(
        default=0,
        description="Weapons whose illicit origin a trace request established (answered with"
        " outcome origin_established), counted once each, among the records the caller may"
        " read and dated in the range: the numerator of SDG indicator 16.4.2",
    )


class Feature(BaseModel):
    """A GeoJSON Feature: one declaration's location."""

    type: Literal["Feature"] = "Feature"
    geometry: dict[str, Any]
    properties: dict[str, Any]


class FeatureCollection(BaseModel):
    """A GeoJSON FeatureCollection (RFC 7946)."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[Feature]
    truncated: bool = False
