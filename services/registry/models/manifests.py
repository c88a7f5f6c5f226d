"""Deployment manifests and their items."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, DateTime, Index, Integer, text
from sqlmodel import Field

from services.common.submitted_by import SubmittedBy, submitted_by_of
from services.common.tables import utcnow
from services.registry.tables import RegistryTable

# BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER PRIMARY KEY.
ItemId = BigInteger().with_variant(Integer(), "sqlite")

ROTATION_END_CHECK = (
    "rotation_end_date IS NULL OR (direction = 'in' AND rotation_end_date >= crossing_date)"
)
"""An ``in`` manifest only plans a rotation's end, never before its crossing (registry0029)."""


class Manifest(RegistryTable, table=True):
    """One crossing of a contingent's materiel into or out of a mission area."""

    __tablename__ = "manifests"
    __table_args__ = (
        CheckConstraint("direction IN ('in', 'out')", name="direction"),
        CheckConstraint("item_count >= 0", name="item_count"),
        CheckConstraint(ROTATION_END_CHECK, name="rotation_end_date"),
        Index("ix_manifests_contingent", "mission_code", "contributing_country"),
        Index("ix_manifests_country_created", "contributing_country", "created_at", "id"),
    )

    id: str = Field(primary_key=True, max_length=36)
    direction: str = Field(max_length=3)
    mission_code: str = Field(foreign_key="missions.code", max_length=32)
    contributing_country: str = Field(max_length=3)
    unit: str = Field(max_length=255)
    crossing_date: date
    crossing_point: str | None = Field(default=None, max_length=255)
    reference: str | None = Field(default=None, max_length=255)
    is_correction: bool = Field(default=False)
    closes_rotation: bool = Field(default=False)
    # An ``in`` manifest's planned end of the unit's rotation (a plan, not proof of exit).
    rotation_end_date: date | None = None
    item_count: int
    submitted_by: str = Field(max_length=255)
    # person or client, and its organisation (NULL before registry0010)
    submitted_by_type: str | None = Field(default=None, max_length=8)
    submitted_by_org: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )

    @property
    def actor(self) -> SubmittedBy | None:
        """``submitted_by`` as the API shows it (None for rows older than registry0010)."""
        return submitted_by_of(self.submitted_by_type, self.submitted_by, self.submitted_by_org)


FIELD_KINDS = "kind IN ('ordnance', 'explosive')"
"""The kinds identified by lot only (never by serial), as SQL: the predicate of the partial
lot indexes, repeated literally by the queries that use them."""


class ManifestItem(RegistryTable, table=True):
    """One weapon, ammunition lot or part of a manifest, as declared and normalized.

    ``mission_code``, ``contributing_country``, ``direction`` and
    ``crossing_date`` repeat the manifest's (manifests are immutable) so that
    holdings and reconciliation are one GROUP BY over one indexed table.
    """

    __tablename__ = "manifest_items"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('weapon', 'ammunition', 'part', 'ordnance', 'explosive')", name="kind"
        ),
        CheckConstraint("quantity_unit IN ('units', 'kg', 'g')", name="quantity_unit"),
        CheckConstraint("direction IN ('in', 'out')", name="direction"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("kind <> 'weapon' OR quantity = 1", name="weapon_quantity_one"),
        CheckConstraint(
            "kind <> 'weapon' OR (serial_number IS NOT NULL AND serial_key IS NOT NULL)",
            name="weapon_serial",
        ),
        CheckConstraint(
            "kind <> 'ammunition' OR (lot_number IS NOT NULL AND calibre IS NOT NULL)",
            name="ammunition_lot",
        ),
        Index("ix_manifest_items_manifest_line", "manifest_id", "line", unique=True),
        Index(
            "ix_manifest_items_weapon_key",
            "mission_code",
            "contributing_country",
            "kind",
            "serial_key",
            "manufacturer_key",
        ),
        Index(
            "ix_manifest_items_lot_key",
            "mission_code",
            "contributing_country",
            "kind",
            "calibre_key",
            "lot_key",
        ),
        Index("ix_manifest_items_serial_key", "serial_key"),
        # Wildcard traces with no literal prefix ("*000123") read the reversed key's
        # range; PostgreSQL only (SQLite has no reverse()): registry0021.
        Index("ix_manifest_items_serial_key_reversed", text("reverse(serial_key)")).ddl_if(
            dialect="postgresql"
        ),
        # Wildcard traces with a legible middle ("*0123?5") read the keys holding the
        # pattern's trigrams (pg_trgm); PostgreSQL only: registry0022.
        Index(
            "ix_manifest_items_serial_key_trgm",
            "serial_key",
            postgresql_using="gin",
            postgresql_ops={"serial_key": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        # Trace finds ordnance and explosives by lot; partial, so weapons cost nothing.
        Index(
            "ix_manifest_items_field_kind_lot",
            "lot_key",
            postgresql_where=text(FIELD_KINDS),
            sqlite_where=text(FIELD_KINDS),
        ),
    )

    id: int | None = Field(default=None, sa_type=ItemId, primary_key=True)
    manifest_id: str = Field(foreign_key="manifests.id", max_length=36)
    line: int
    kind: str = Field(max_length=16)
    mission_code: str = Field(max_length=32)
    contributing_country: str = Field(max_length=3)
    direction: str = Field(max_length=3)
    crossing_date: date
    unit: str = Field(max_length=255)
    is_correction: bool = Field(default=False)
    # As declared
    category: str | None = Field(default=None, max_length=32)
    manufacturer: str | None = Field(default=None, max_length=255)
    model: str | None = Field(default=None, max_length=255)
    calibre: str | None = Field(default=None, max_length=64)
    serial_number: str | None = Field(default=None, max_length=128)
    year_of_manufacture: int | None = Field(default=None)
    country_of_manufacture: str | None = Field(default=None, max_length=3)
    markings: str | None = Field(default=None, max_length=1000)
    lot_number: str | None = Field(default=None, max_length=128)
    ammunition_type: str | None = Field(default=None, max_length=32)
    quantity: int = Field(sa_type=BigInteger)
    description: str | None = Field(default=None, max_length=1000)
    # Since registry0011 (null in older rows and in other kinds)
    ordnance_type: str | None = Field(default=None, max_length=32)
    explosive_type: str | None = Field(default=None, max_length=32)
    quantity_unit: str | None = Field(default=None, max_length=8)
    # Normalized match keys (services.common.identifiers)
    serial_key: str | None = Field(default=None, max_length=128)
    manufacturer_key: str | None = Field(default=None, max_length=255)
    calibre_key: str | None = Field(default=None, max_length=64)
    lot_key: str | None = Field(default=None, max_length=128)
