"""Request and response models of declarations (items as in the registry)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from services.common.countries import CountryCode
from services.common.dates import IsoDate
from services.declarations.declarations.people import PeopleHandingIn

DeclarationType = Literal["seizure", "collection", "destruction"]
PresumedUserKind = Literal["government_forces", "non_state_armed_group", "unknown"]
WeaponCategory = Literal[
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
OrdnanceType = Literal[
    "mortar_bomb",
    "rocket",
    "projectile",
    "hand_grenade",
    "rifle_grenade",
    "anti_personnel_mine",
    "anti_vehicle_mine",
    "other",
]
ExplosiveType = Literal["bulk_explosive", "detonator", "detonating_cord", "other"]
AmmunitionCondition = Literal["live", "fired"]
SerialStatus = Literal["present", "obliterated", "partial", "none"]
QuantityUnit = Literal["units", "kg", "g"]
DestructionMethod = Literal[
    "cutting", "crushing", "shredding", "melting", "burning", "detonation", "other"
]


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Year = Annotated[int, Field(ge=1800, le=2100)]
Quantity = Annotated[int, Field(ge=1, le=1_000_000_000)]
DeclarationId = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
]
MissionCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Weapon(_Strict):
    """A weapon, identified by manufacturer and serial number (ITI marking).

    ``serial_status``: absent or ``present``, the serial as marked; ``partial``, the
    legible part (``*`` and ``?`` may stand for illegible characters), which trace
    matches as a pattern. A weapon whose serial is ``obliterated`` or was never marked
    (``none``) is a :class:`WeaponWithoutSerial`; a ``craft_made`` one a
    :class:`CraftMadeWeapon`.
    """

    kind: Literal["weapon"]
    category: WeaponCategory
    manufacturer: Text
    model: Text
    calibre: Text
    serial_status: Literal["present", "partial"] | None = Field(
        default=None, description="absent: present"
    )
    serial_number: Text
    year_of_manufacture: Year | None = None
    country_of_manufacture: CountryCode | None = None
    markings: LongText | None = None


class WeaponWithoutSerial(_Strict):
    """A weapon whose serial was filed off (``obliterated``) or never marked (``none``):
    no ``serial_number``, never matched by serial; maker and model where known (filing
    off a serial often takes the maker's marks with it)."""

    kind: Literal["weapon"]
    category: WeaponCategory
    manufacturer: Text | None = None
    model: Text | None = None
    calibre: Text
    serial_status: Literal["obliterated", "none"]
    year_of_manufacture: Year | None = None
    country_of_manufacture: CountryCode | None = None
    markings: LongText | None = None


class CraftMadeWeapon(_Strict):
    """A craft-made weapon: maker and model where known, a serial as its status says."""

    kind: Literal["weapon"]
    category: Literal["craft_made"]
    manufacturer: Text | None = None
    model: Text | None = None
    calibre: Text
    serial_status: SerialStatus | None = Field(default=None, description="absent: present")
    serial_number: Text | None = None
    year_of_manufacture: Year | None = None
    country_of_manufacture: CountryCode | None = None
    markings: LongText | None = None

    @model_validator(mode="after")
    def _serial_as_its_status_says(self) -> CraftMadeWeapon:
        status = self.serial_status or "present"
        if status in ("present", "partial") and self.serial_number is None:
            raise ValueError(f"serial_number is required when serial_status is {status}")
        if status in ("obliterated", "none") and self.serial_number is not None:
            raise ValueError(
                f"serial_number must be absent when serial_status is {status}"
                " (a legible part is serial_status partial)"
            )
        return self


AnyWeapon = Weapon | WeaponWithoutSerial | CraftMadeWeapon
WEAPON_KINDS = (Weapon, WeaponWithoutSerial, CraftMadeWeapon)


class Ammunition(_Strict):
    """Ammunition of one calibre as found: cartridges (``live``) or cartridge cases
    (``fired``), with the lot where one is marked (packaging carries it, a case never
    does) and the headstamp as read, kept verbatim: the registry resolves its factory
    code to a maker through its table of headstamp codes."""

    kind: Literal["ammunition"]
    calibre: Text
    ammunition_type: Text | None = None
    manufacturer: Text | None = None
    lot_number: Text | None = Field(default=None, description="absent when none is marked")
    headstamp: Text | None = Field(
        default=None,
        description="the headstamp as read, e.g. '539 15' (factory code and year)",
        examples=["539 15"],
    )
    year_of_manufacture: Year | None = None
    condition: AmmunitionCondition | None = Field(
        default=None, description="live (cartridges) or fired (cases); absent: live"
    )
    quantity: Quantity = Field(description="rounds (live) or cases (fired)")


class Part(_Strict):
    """Parts, components and other related materials."""

    kind: Literal["part"]
    description: LongText
    quantity: Quantity
    serial_number: Text | None = None


class Ordnance(_Strict):
    """Explosive ordnance: mortar bombs, rockets, projectiles, grenades, landmines."""

    kind: Literal["ordnance"]
    ordnance_type: OrdnanceType
    calibre: Text | None = Field(default=None, description="calibre or diameter, e.g. 81 mm")
    model: Text | None = None
    manufacturer: Text | None = None
    lot_number: Text | None = None
    year_of_manufacture: Year | None = None
    quantity: Quantity
    markings: LongText | None = None


class Explosive(_Strict):
    """Bulk explosives and detonators: ``quantity`` in ``quantity_unit`` (absent: units)."""

    kind: Literal["explosive"]
    explosive_type: ExplosiveType
    description: LongText | None = None
    manufacturer: Text | None = None
    lot_number: Text | None = None
    year_of_manufacture: Year | None = None
    quantity: Quantity
    quantity_unit: QuantityUnit | None = Field(default=None, description="absent: units")
    markings: LongText | None = None


def _item_tag(value: Any) -> str | None:
    """The union member an item is read as: its ``kind``, and for a weapon which of the
    three (an ordinary weapon keeps the tag ``weapon``, so its problems are located as
    they always were: ``items[2].weapon.serial_number``)."""
    if isinstance(value, dict):
        kind, category, status = (value.get(k) for k in ("kind", "category", "serial_status"))
    else:
        kind, category, status = (
            getattr(value, k, None) for k in ("kind", "category", "serial_status")
        )
    if kind != "weapon":
        return kind if isinstance(kind, str) else None
    if category == "craft_made":
        return "craft_made_weapon"
    if status in ("obliterated", "none"):
        return "weapon_without_serial"
    return "weapon"


Item = Annotated[
    Annotated[Weapon, Tag("weapon")]
    | Annotated[WeaponWithoutSerial, Tag("weapon_without_serial")]
    | Annotated[CraftMadeWeapon, Tag("craft_made_weapon")]
    | Annotated[Ammunition, Tag("ammunition")]
    | Annotated[Part, Tag("part")]
    | Annotated[Ordnance, Tag("ordnance")]
    | Annotated[Explosive, Tag("explosive")],
    Discriminator(
        _item_tag,
        custom_error_type="unknown_item_kind",
        custom_error_message="kind must be one of 'weapon', 'ammunition', 'part',"
        " 'ordnance', 'explosive'",
    ),
]


class Location(_Strict):
    """Where the event took place; coordinates in WGS 84 decimal degrees, both or neither."""

    country: CountryCode
    place: Text | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None


class Collection(_Strict):
    """Context of a collection: DDR (with its programme named) or another programme; a DDR
    collection may give the people who handed the materiel in."""

    ddr: bool = False
    programme: Text | None = None
    people: PeopleHandingIn | None = Field(
        default=None,
        description="DDR collections only: the people who handed in the materiel, by sex"
        " and age group",
    )


class Destruction(_Strict):
    """How, where and before whom materiel was destroyed (MOSAIC 05.50)."""

    method: DestructionMethod
    method_detail: Text | None = None
    place: Text | None = None
    date: IsoDate | None = Field(default=None, description="default: the event date")
    witnesses: list[Text] = Field(default_factory=list, max_length=100)


class DeclarationDocument(_Strict):
    """A declaration as submitted (and as amended): the record a version hashes."""

    type: DeclarationType
    declaring_country: CountryCode
    mission: MissionCode | None = None
    event_date: IsoDate
    location: Location
    circumstances: LongText | None = None
    presumed_user: Text | None = None
    presumed_user_kind: PresumedUserKind | None = Field(
        default=None,
        description="Who the presumed user is, for embargo screening: the government's"
        " forces, a non-state armed group, or unknown (left out: unknown)",
    )
    legal_basis: Text | None = None
    collection: Collection | None = None
    items: list[Item] = Field(min_length=1, max_length=10_000)
    references: list[DeclarationId] = Field(default_factory=list, max_length=1000)
    incident_id: DeclarationId | None = Field(
        default=None,
        description="the incident (POST /declarations/v1/incidents) the materiel comes from;"
        " any state that knows its id may name it",
    )
    destruction: Destruction | None = None
    undeclared: bool = Field(
        default=False,
        description="destruction only: some items were never declared; recorded and listable",
    )


MAX_BATCH_DECLARATIONS = 1000
MAX_BATCH_ITEMS = 100_000


class DeclarationBatch(_Strict):
    """Up to 1,000 declarations, stored together or not at all, under one log checkpoint."""

    declarations: list[DeclarationDocument] = Field(min_length=1, max_length=MAX_BATCH_DECLARATIONS)

    @field_validator("declarations")
    @classmethod
    def _bounded_items(cls, value: list[DeclarationDocument]) -> list[DeclarationDocument]:
        total = sum(len(document.items) for document in value)
        if total > MAX_BATCH_ITEMS:
            raise ValueError(f"{total} items in one batch; at most {MAX_BATCH_ITEMS:,}")
        return value
