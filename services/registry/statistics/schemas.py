"""Response models of statistics."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from services.registry.cases.schemas import TraceOutcomeCount

GroupBy = Literal[
    "country",
    "mission",
    "category",
    "kind",
    "item_type",
    "serial_status",
    "year",
    "type",
    "circumstance",
    "calibre",
    "manufacturer",
    "year_of_manufacture",
    "presumed_user",
]
# The groupings read from the daily attribute counts (models/daily_counts.py).
ATTRIBUTE_GROUPINGS = ("calibre", "manufacturer", "year_of_manufacture", "presumed_user")
# The groupings a DDR collection's people figures are reported by (they are counts of
# people per declaration, not per item).
DDR_GROUPINGS = ("country", "mission", "year", "type")


# The map's filters: a mission's code as the declarations service takes it, an armed
# group's code or one of the kinds of presumed user a declaration names when it resolves
# to no listed armed group (either case: they are stored upper- and lower-cased).
MISSION_CODE = r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$"
PRESUMED_USER = r"^[A-Za-z0-9_]{2,32}$"
PRESUMED_USER_KINDS = ("government_forces", "non_state_armed_group", "unknown")


class StatisticsRow(BaseModel):
    """Counts of one group in one register."""

    source: Literal["manifests", "declarations", "loss_reports"]
    key: str | None = Field(description="The group's value (null: not recorded)")
    label: str | None = Field(
        default=None,
        description="A readable name of the value, for calibre, manufacturer and"
        " presumed_user: the reference list's canonical name of a listed calibre or maker"
        " (the key), else the spelling recorded on most of the group's items; a listed"
        " armed group's name; null for the other groupings, a presumed user's kind and a"
        " value not recorded",
    )
    records: int = Field(description="Item rows")
    quantity: int = Field(
        description="Weapons plus rounds, parts, ordnance and explosives counted in units"
    )
    mass_kg: float = Field(
        default=0, description="Explosives recorded by weight (kilograms or grams), in kilograms"
    )


class DdrPeopleRow(BaseModel):
    """The people who handed in materiel in the DDR collections of one group, by sex and
    age (under 18: children, IDDRS 5.20; 18 and over), as the collections recorded them."""

    key: str | None = Field(description="The group's value (null: not recorded)")
    collections: int = Field(description="DDR collections giving people figures")
    female_under_18: int
    female_18_and_over: int
    male_under_18: int
    male_18_and_over: int
    sex_or_age_unknown: int = Field(description="People whose sex or age was not recorded")
    female: int = Field(description="female_under_18 + female_18_and_over")
    male: int = Field(description="male_under_18 + male_18_and_over")
    under_18: int = Field(description="female_under_18 + male_under_18")
    total: int = Field(description="Every person counted, sex_or_age_unknown included")


class Statistics(BaseModel):
    """Counts per group over manifests, declarations and loss reports the caller may read,
    and the people of DDR collections."""

    group_by: GroupBy
    date_from: date | None
    date_to: date | None
    items: list[StatisticsRow]
    ddr_people: list[DdrPeopleRow] = Field(
        default_factory=list,
        description="Grouped by country, mission, year or type only (people are counted"
        " per collection, not per item); empty for the other groupings",
    )
    traced_weapons: int = Field(
        default=0,
        description="Weapons whose illicit origin a trace request established (answered with"
        " outcome origin_established), counted once each, among the records the caller may"
        " read and dated in the range: the numerator of SDG indicator 16.4.2",
    )
    trace_outcomes: list[TraceOutcomeCount] = Field(
        default_factory=list,
        description="Answered trace requests by outcome and kind of origin, within the same"
        " records and range",
    )


class Feature(BaseModel):
    """A GeoJSON Feature: one declaration's, one incident's or one loss report's location
    (``properties.record`` says which: ``declaration``, ``incident`` or ``loss``). An
    incident is every declaration naming it, at its oldest one's place: its properties are
    that declaration's, with ``incident_id``, ``item_count`` summed, and ``declarations``
    (each one's ``declaration_id``, ``version``, ``type``, ``declaring_country``,
    ``event_date``, ``place``, ``item_count``, oldest first)."""

    type: Literal["Feature"] = "Feature"
    geometry: dict[str, Any]
    properties: dict[str, Any]


class FeatureCollection(BaseModel):
    """A GeoJSON FeatureCollection (RFC 7946)."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[Feature]
    truncated: bool = False
    years: list[int] = Field(
        default_factory=list,
        description="The years of every located record the caller may read in the range and"
        " of the type asked for, oldest first, returned or not (a time slider's range)",
    )
