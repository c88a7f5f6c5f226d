"""The delivery contract of the declarations outbox (``POST /registry/v1/index/declarations``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from services.common.countries import CountryCode
from services.common.dates import IsoDate
from services.common.tables import column_length
from services.registry.models.handles import declared_items


def _stored(column: str, *, strip: bool = True) -> StringConstraints:
    """At most what ``declared_items.<column>`` holds. The column is the one bound: a
    migration widening it widens what deliveries may carry, and the schema and the
    database always agree (PostgreSQL enforces the length, SQLite would not)."""
    length = column_length(declared_items, column)
    return StringConstraints(strip_whitespace=strip or None, max_length=length)


class DeliveredLocation(BaseModel):
    """Where the materiel was found."""

    model_config = ConfigDict(extra="ignore")

    country: CountryCode
    place: Annotated[str, _stored("place")] | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class DeliveredItem(BaseModel):
    """One item of the delivered declaration version."""

    model_config = ConfigDict(extra="ignore")

    item_index: int = Field(ge=0, le=1_000_000)
    kind: Literal["weapon", "ammunition", "part", "ordnance", "explosive"]
    category: Annotated[str, _stored("category", strip=False)] | None = None
    manufacturer: Annotated[str, _stored("manufacturer")] | None = None
    model: Annotated[str, _stored("model")] | None = None
    calibre: Annotated[str, _stored("calibre")] | None = None
    serial_number: Annotated[str, _stored("serial_number")] | None = None
    lot_number: Annotated[str, _stored("lot_number")] | None = None
    year_of_manufacture: int | None = Field(default=None, ge=1800, le=2200)
    quantity: int = Field(default=1, ge=1, le=10**12)
    description: Annotated[str, _stored("description", strip=False)] | None = None
    serial_status: Literal["present", "obliterated", "partial", "none"] | None = Field(
        default=None, description="weapons: null reads as present"
    )
    ordnance_type: Annotated[str, _stored("ordnance_type", strip=False)] | None = None
    explosive_type: Annotated[str, _stored("explosive_type", strip=False)] | None = None
    quantity_unit: Literal["units", "kg", "g"] | None = None
    headstamp: Annotated[str, _stored("headstamp")] | None = Field(
        default=None, description="ammunition: the headstamp as read"
    )
    condition: Literal["live", "fired"] | None = Field(
        default=None, description="ammunition: null reads as live"
    )


class DeliveredIncident(BaseModel):
    """The incident the declaration names, as the declarations service holds it (the
    record holds only its id): its type, date, country and presumed user as declared."""

    model_config = ConfigDict(extra="ignore")

    id: Annotated[str, StringConstraints(max_length=36)]
    type: Annotated[str, StringConstraints(max_length=32)]
    date: IsoDate
    country: CountryCode
    presumed_user: Annotated[str, _stored("presumed_user")] | None = None


PeopleCount = Annotated[int, Field(ge=0, le=10_000_000)]


class DeliveredPeople(BaseModel):
    """The people who handed in materiel in a DDR collection, by sex and age, as the
    record's ``collection.people`` gives them (a figure left out: not recorded)."""

    model_config = ConfigDict(extra="ignore")

    female_under_18: PeopleCount | None = None
    female_18_and_over: PeopleCount | None = None
    male_under_18: PeopleCount | None = None
    male_18_and_over: PeopleCount | None = None
    sex_or_age_unknown: PeopleCount | None = None


Base64 = Annotated[str, StringConstraints(max_length=64)]


class LogProof(BaseModel):
    """Where the delivery's entry sits in the declarations log, and the proof of it."""

    model_config = ConfigDict(extra="forbid")

    log_index: int = Field(ge=0, le=2**63 - 1)
    leaf_input: Annotated[str, StringConstraints(max_length=65_536)] = Field(
        description="base64 of the entry's exact logged bytes (RFC 8785 canonical JSON)"
    )
    checkpoint: Annotated[str, StringConstraints(max_length=8192)] = Field(
        description="a C2SP checkpoint signed by the declarations log's key"
    )
    inclusion: list[Base64] = Field(
        max_length=64, description="the entry's RFC 9162 audit path (base64) in that checkpoint"
    )


class DeclarationDelivery(BaseModel):
    """One declaration version (``upsert``) or its disposal (``dispose``), as the
    declarations outbox delivers it."""

    model_config = ConfigDict(extra="ignore")

    event_id: Annotated[str, StringConstraints(min_length=1, max_length=36)] = Field(
        description="Unique per outbox row: a redelivery carries the same id"
    )
    declaration_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    version: int = Field(ge=1, le=2**31 - 1)
    action: Literal["upsert", "dispose"]
    type: Literal["seizure", "collection", "destruction"]
    declaring_country: CountryCode
    mission: (
        Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, max_length=32)]
        | None
    ) = None
    event_date: IsoDate
    location: DeliveredLocation | None = Field(
        default=None, description="Required for upsert; null in a dispose (content is gone)"
    )
    presumed_user: Annotated[str, _stored("presumed_user")] | None = None
    presumed_user_kind: Literal["government_forces", "non_state_armed_group", "unknown"] | None = (
        Field(default=None, description="As declared; embargo scopes and exemptions read it")
    )
    ddr_people: DeliveredPeople | None = Field(
        default=None,
        description="A DDR collection's people who handed in materiel (the record's"
        " collection.people when collection.ddr); null otherwise",
    )
    undeclared: bool = False
    incident_id: Annotated[str, StringConstraints(max_length=36)] | None = Field(
        default=None, description="the incident the record names"
    )
    incident: DeliveredIncident | None = Field(
        default=None,
        description="that incident's details, the declarations service's finding (like"
        " undeclared); its id must be the record's incident_id",
    )
    references: list[Annotated[str, StringConstraints(max_length=64)]] = Field(
        default_factory=list, max_length=1000
    )
    items: list[DeliveredItem] = Field(default_factory=list, max_length=100_000)
    record: dict[str, Any] | None = Field(
        default=None,
        description="upsert: the record version, whose canonical bytes hash to the entry's"
        " record_sha256; the indexed fields must be what it says. null in a dispose",
    )
    proof: LogProof

    @model_validator(mode="after")
    def _distinct_item_indexes(self) -> DeclarationDelivery:
        if self.action == "upsert" and self.location is None:
            raise ValueError("an upsert needs the location")
        if self.incident is not None and self.incident.id != self.incident_id:
            raise ValueError("the incident is not the one incident_id names")
        indexes = [item.item_index for item in self.items]
        if len(set(indexes)) != len(indexes):
            raise ValueError("items carry the same item_index twice")
        return self


class DeliveryResult(BaseModel):
    """What the delivery did: ``indexed`` (with the number of alerts raised),
    ``disposed``, ``duplicate`` (event id seen before) or ``stale`` (an older version)."""

    status: Literal["indexed", "disposed", "duplicate", "stale"]
    declaration_id: str
    version: int
    alerts: int = 0
