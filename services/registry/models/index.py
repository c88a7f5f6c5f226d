"""The declarations index: a projection of the declarations register.

The declarations service is the source of truth (its Merkle log records every
accepted version); these tables only hold what tracing, alerts, statistics and
reconciliation need, delivered by its outbox through
``POST /registry/v1/index/declarations``. They can be rebuilt by replaying it.

IndexedDeclaration   the latest indexed version of one declaration (or its disposal)
DeclaredItem         one item of that version, as declared plus normalized keys
IndexEvent           every delivery received, so a redelivery changes nothing
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, DateTime, Index, Text, text
from sqlmodel import Field

from services.common.tables import utcnow
from services.registry.models.manifests import FIELD_KINDS, ItemId
from services.registry.tables import RegistryTable

# The columns of a DDR collection's people figures (the cells of the declared record's
# ``collection.people``, prefixed).
DDR_PEOPLE_CELLS = (
    "female_under_18",
    "female_18_and_over",
    "male_under_18",
    "male_18_and_over",
    "sex_or_age_unknown",
)
LOCATED_DECLARATIONS = "lat IS NOT NULL"  # with lon (the declaration's coordinates)
DDR_PEOPLE_COLUMNS = tuple(f"ddr_{cell}" for cell in DDR_PEOPLE_CELLS)


class IndexedDeclaration(RegistryTable, table=True):
    """One declaration as last delivered: its version, place and date (map, tenancy)."""

    __tablename__ = "indexed_declarations"
    __table_args__ = (
        CheckConstraint(
            "declaration_type IN ('seizure', 'collection', 'destruction')", name="type"
        ),
        Index("ix_indexed_declarations_country_date", "declaring_country", "event_date"),
        # The map's years: the first located record on or after a date, in one probe.
        Index(
            "ix_indexed_declarations_located_date",
            "event_date",
            postgresql_where=text(LOCATED_DECLARATIONS),
            sqlite_where=text(LOCATED_DECLARATIONS),
        ),
        *(CheckConstraint(f"{column} >= 0", name=column) for column in DDR_PEOPLE_COLUMNS),
    )

    declaration_id: str = Field(primary_key=True, max_length=64)
    version: int
    disposed: bool = Field(default=False)
    declaration_type: str = Field(max_length=16)
    declaring_country: str = Field(max_length=3)
    mission_code: str | None = Field(default=None, max_length=32)
    event_date: date
    location_country: str = Field(max_length=3)
    place: str | None = Field(default=None, max_length=255)
    lat: float | None = Field(default=None)
    lon: float | None = Field(default=None)
    presumed_user_kind: str | None = Field(
        default=None,
        max_length=24,
        description="government_forces, non_state_armed_group or unknown (embargo scopes)",
    )
    # Since registry0013: the incident the declaration names (its type and presumed user
    # as the declarations service holds them) and the armed group the presumed user (the
    # incident's, else the declaration's) resolves to.
    incident_id: str | None = Field(default=None, max_length=36)
    incident_type: str | None = Field(default=None, max_length=32)
    incident_presumed_user: str | None = Field(default=None, max_length=255)
    # Since registry0030: the incident's country, where embargo screening looks (else the
    # declaration's location_country).
    incident_country: str | None = Field(default=None, max_length=3)
    armed_group: str | None = Field(default=None, max_length=32)
    item_count: int
    # A DDR collection's people who handed in materiel, by sex and age (since registry0014;
    # null when the record gives no figure, and in every other declaration).
    ddr_female_under_18: int | None = Field(default=None)
    ddr_female_18_and_over: int | None = Field(default=None)
    ddr_male_under_18: int | None = Field(default=None)
    ddr_male_18_and_over: int | None = Field(default=None)
    ddr_sex_or_age_unknown: int | None = Field(default=None)
    # Where the indexed version's entry sits in the declarations log (registry0016; null
    # for versions indexed before): a trace request cites it as the record's proof.
    log_index: int | None = Field(default=None, sa_type=BigInteger)
    log_leaf_hash: str | None = Field(default=None, max_length=64)
    # That entry's proof as the delivery carried it and the index checked it (registry0025;
    # null before): the signed checkpoint's note and the RFC 9162 audit path, base64 hashes
    # one a line. A trace request's PDF prints both so a reader verifies it offline.
    log_checkpoint: str | None = Field(default=None, sa_type=Text)
    log_inclusion: str | None = Field(default=None, sa_type=Text)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class DeclaredItem(RegistryTable, table=True):
    """One seized, collected or destroyed item of the indexed version of a declaration.

    A weapon's ``serial_status`` says whether ``serial_number`` is the whole serial
    (null or ``present``), its legible part (``partial``, matched through
    ``serial_pattern``) or absent (``obliterated``, ``none``).

    ``fuzzy_key`` (match key with S/5, B/8, Z/2, G/6 folded) is stored here
    only: while the serial neighbourhood index has a backlog, trace finds "possible"
    candidates by looking up the query's one-edit neighbourhood on this column.
    """

    __tablename__ = "declared_items"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('weapon', 'ammunition', 'part', 'ordnance', 'explosive')", name="kind"
        ),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "serial_status IN ('present', 'obliterated', 'partial', 'none')",
            name="serial_status",
        ),
        CheckConstraint("quantity_unit IN ('units', 'kg', 'g')", name="quantity_unit"),
        Index("ix_declared_items_serial_status", "serial_status"),
        Index(
            "ix_declared_items_field_kind_lot",
            "lot_key",
            postgresql_where=text(FIELD_KINDS),
            sqlite_where=text(FIELD_KINDS),
        ),
        Index("ix_declared_items_declaration", "declaration_id", "item_index", unique=True),
        Index("ix_declared_items_serial_key", "serial_key"),
        # Wildcard traces with no literal prefix ("*000123") read the reversed key's
        # range; PostgreSQL only (SQLite has no reverse()): registry0021.
        Index("ix_declared_items_serial_key_reversed", text("reverse(serial_key)")).ddl_if(
            dialect="postgresql"
        ),
        # Wildcard traces with a legible middle ("*0123?5") read the keys holding the
        # pattern's trigrams (pg_trgm); PostgreSQL only: registry0022.
        Index(
            "ix_declared_items_serial_key_trgm",
            "serial_key",
            postgresql_using="gin",
            postgresql_ops={"serial_key": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        Index("ix_declared_items_fuzzy_key", "fuzzy_key"),
        Index(
            "ix_declared_items_weapon_signature",
            "manufacturer_key",
            "model_key",
            "year_of_manufacture",
        ),
        Index("ix_declared_items_lot", "calibre_key", "lot_key"),
        Index(
            "ix_declared_items_ammunition_signature",
            "calibre_key",
            "manufacturer_key",
            "year_of_manufacture",
        ),
        Index("ix_declared_items_country_date", "declaring_country", "event_date"),
    )

    id: int | None = Field(default=None, sa_type=ItemId, primary_key=True)
    declaration_id: str = Field(max_length=64)
    declaration_version: int
    item_index: int
    declaration_type: str = Field(max_length=16)
    declaring_country: str = Field(max_length=3)
    mission_code: str | None = Field(default=None, max_length=32)
    event_date: date
    location_country: str = Field(max_length=3)
    place: str | None = Field(default=None, max_length=255)
    lat: float | None = Field(default=None)
    lon: float | None = Field(default=None)
    presumed_user: str | None = Field(default=None, max_length=255)
    presumed_user_kind: str | None = Field(default=None, max_length=24)
    incident_country: str | None = Field(default=None, max_length=3)  # registry0030
    undeclared: bool = Field(default=False)
    kind: str = Field(max_length=16)
    category: str | None = Field(default=None, max_length=32)
    manufacturer: str | None = Field(default=None, max_length=255)
    model: str | None = Field(default=None, max_length=255)
    calibre: str | None = Field(default=None, max_length=200)
    serial_number: str | None = Field(default=None, max_length=200)
    lot_number: str | None = Field(default=None, max_length=200)
    year_of_manufacture: int | None = Field(default=None)
    quantity: int = Field(sa_type=BigInteger)
    description: str | None = Field(default=None, max_length=4000)
    serial_key: str | None = Field(default=None, max_length=400)
    fuzzy_key: str | None = Field(default=None, max_length=400)
    manufacturer_key: str | None = Field(default=None, max_length=400)
    model_key: str | None = Field(default=None, max_length=400)
    calibre_key: str | None = Field(default=None, max_length=400)
    lot_key: str | None = Field(default=None, max_length=400)
    # Since registry0011 (null in older rows: a null serial_status reads as present).
    serial_status: str | None = Field(default=None, max_length=16)
    ordnance_type: str | None = Field(default=None, max_length=32)
    explosive_type: str | None = Field(default=None, max_length=32)
    quantity_unit: str | None = Field(default=None, max_length=8)
    # A ``partial`` serial's legible part as a LIKE pattern on match keys (its serial_key
    # and fuzzy_key stay null: a fragment is matched as a pattern, never as a serial).
    serial_pattern: str | None = Field(default=None, max_length=400)
    # Since registry0013. Ammunition: the headstamp as read, the maker its factory code
    # resolves to (``manufacturer_key`` and ``year_of_manufacture`` are filled from the
    # headstamp when the declaration leaves them out), live or fired; the declaration's
    # incident (linkage is across incidents) and resolved armed group.
    headstamp: str | None = Field(default=None, max_length=200)
    headstamp_maker: str | None = Field(default=None, max_length=255)
    condition: str | None = Field(default=None, max_length=8)
    incident_id: str | None = Field(default=None, max_length=36)
    armed_group: str | None = Field(default=None, max_length=32)


class IndexEvent(RegistryTable, table=True):
    """A delivery received from the declarations outbox, and what it did."""

    __tablename__ = "index_events"
    __table_args__ = (CheckConstraint("status IN ('indexed', 'disposed', 'stale')", name="status"),)

    event_id: str = Field(primary_key=True, max_length=36)
    declaration_id: str = Field(max_length=64)
    version: int
    action: str = Field(max_length=8)
    status: str = Field(max_length=8)
    received_by: str = Field(max_length=255)
    received_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
