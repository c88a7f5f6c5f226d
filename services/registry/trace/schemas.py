"""Response models of trace."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

RecordKind = Literal[
    "manifest_in", "manifest_out", "loss_report", "seizure", "collection", "destruction"
]
MatchQuality = Literal["exact", "normalized", "possible"]


class TraceLocation(BaseModel):
    """Where a declared item was found."""

    country: str
    place: str | None = None
    lat: float | None = None
    lon: float | None = None


class TraceRecord(BaseModel):
    """One record of the traced weapon, with how well its serial matched."""

    record: RecordKind
    record_id: str = Field(description="Manifest, loss report or declaration id")
    line: int = Field(description="Item line (manifests, loss reports) or item_index")
    date: date
    country: str = Field(description="Contributing state (manifests, losses) or declaring state")
    mission: str | None
    match: MatchQuality
    kind: str
    serial_number: str | None
    serial_status: Literal["present", "obliterated", "partial", "none"] | None = Field(
        default=None,
        description="Declared weapons: ``partial`` when ``serial_number`` is only the legible"
        " part, which matched the query as a pattern (``match`` is then ``possible``);"
        " null reads as present",
    )
    matched_on: Literal["serial", "lot"] = Field(
        default="serial",
        description="``lot``: ordnance or an explosive, which carry no serial, found by the"
        " lot number the query names (``lot_number``)",
    )
    lot_number: str | None = Field(default=None, description="The lot that matched")
    manufacturer: str | None
    model: str | None
    calibre: str | None
    category: str | None = None
    year_of_manufacture: int | None = None
    unit: str | None = None
    loss_type: str | None = None
    place: str | None = None
    location: TraceLocation | None = None
    declaration_version: int | None = None


class TraceQuery(BaseModel):
    """The query as understood: its match key and, for wildcards, the pattern used."""

    serial_number: str
    match_key: str
    fuzzy_key: str
    pattern: str | None = None
    manufacturer: str | None = None
    model: str | None = None


class TraceResult(BaseModel):
    """Every readable record of the weapon in date order (at most ``limit``)."""

    query: TraceQuery
    items: list[TraceRecord]
    truncated: bool = Field(description="More records matched than ``limit``")
