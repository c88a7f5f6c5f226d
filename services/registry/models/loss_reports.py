"""Loss reports of contingent-owned equipment (lost, stolen, captured in an attack)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, DateTime, Index, Text, text
from sqlmodel import Field

from services.common.submitted_by import SubmittedBy, submitted_by_of
from services.common.tables import utcnow
from services.registry.models.manifests import ItemId
from services.registry.tables import RegistryTable

# How the loss happened (since registry0014; null in older reports).
LOSS_CIRCUMSTANCES = ("ambush", "attack_on_base", "theft_from_armoury", "accident", "other")
LOSS_CIRCUMSTANCE_CHECK = "circumstance IN ({})".format(
    ", ".join(f"'{code}'" for code in LOSS_CIRCUMSTANCES)
)


LOCATED_LOSSES = "lat IS NOT NULL"  # "(lat IS NULL) = (lon IS NULL)" holds


class LossReport(RegistryTable, table=True):
    """A contingent's report of materiel it no longer holds."""

    __tablename__ = "loss_reports"
    __table_args__ = (
        CheckConstraint("loss_type IN ('lost', 'stolen', 'captured_in_attack')", name="loss_type"),
        CheckConstraint("item_count > 0", name="item_count"),
        CheckConstraint(LOSS_CIRCUMSTANCE_CHECK, name="circumstance"),
        CheckConstraint("lat BETWEEN -90 AND 90", name="lat"),
        CheckConstraint("lon BETWEEN -180 AND 180", name="lon"),
        CheckConstraint("(lat IS NULL) = (lon IS NULL)", name="coordinates"),
        Index("ix_loss_reports_country_date", "contributing_country", "loss_date"),
        Index("ix_loss_reports_contingent", "mission_code", "contributing_country"),
        Index("ix_loss_reports_country_created", "contributing_country", "created_at", "id"),
        # The map's years: the first located loss on or after a date, in one probe.
        Index(
            "ix_loss_reports_located_date",
            "loss_date",
            postgresql_where=text(LOCATED_LOSSES),
            sqlite_where=text(LOCATED_LOSSES),
        ),
    )

    id: str = Field(primary_key=True, max_length=36)
    mission_code: str = Field(foreign_key="missions.code", max_length=32)
    contributing_country: str = Field(max_length=3)
    unit: str | None = Field(default=None, max_length=255)
    loss_type: str = Field(max_length=32)
    loss_date: date
    place: str = Field(max_length=255)
    circumstances: str = Field(sa_type=Text)
    reference: str | None = Field(default=None, max_length=255)
    # Where and how (since registry0014; null in older reports): the circumstance's code
    # and the place's WGS 84 coordinates, which put the loss on the statistics map.
    circumstance: str | None = Field(default=None, max_length=32)
    lat: float | None = Field(default=None)
    lon: float | None = Field(default=None)
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

    @property
    def coordinates(self) -> dict[str, float] | None:
        """``lat`` and ``lon`` as the API shows them (None when not given)."""
        if self.lat is None or self.lon is None:
            return None
        return {"lat": self.lat, "lon": self.lon}


class LossReportItem(RegistryTable, table=True):
    """A weapon (by serial) or ammunition (by lot) of a loss report, tied to its declaration."""

    __tablename__ = "loss_report_items"
    __table_args__ = (
        CheckConstraint("kind IN ('weapon', 'ammunition')", name="kind"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("kind <> 'weapon' OR quantity = 1", name="weapon_quantity_one"),
        Index("ix_loss_report_items_report_line", "loss_report_id", "line", unique=True),
        Index("ix_loss_report_items_serial_key", "serial_key"),
        # Wildcard traces with no literal prefix ("*000123") read the reversed key's
        # range; PostgreSQL only (SQLite has no reverse()): registry0021.
        Index("ix_loss_report_items_serial_key_reversed", text("reverse(serial_key)")).ddl_if(
            dialect="postgresql"
        ),
        # Wildcard traces with a legible middle ("*0123?5") read the keys holding the
        # pattern's trigrams (pg_trgm); PostgreSQL only: registry0022.
        Index(
            "ix_loss_report_items_serial_key_trgm",
            "serial_key",
            postgresql_using="gin",
            postgresql_ops={"serial_key": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        Index(
            "ix_loss_report_items_contingent",
            "mission_code",
            "contributing_country",
            "kind",
        ),
    )

    id: int | None = Field(default=None, sa_type=ItemId, primary_key=True)
    loss_report_id: str = Field(foreign_key="loss_reports.id", max_length=36)
    line: int
    kind: str = Field(max_length=16)
    mission_code: str = Field(max_length=32)
    contributing_country: str = Field(max_length=3)
    loss_date: date
    serial_number: str | None = Field(default=None, max_length=128)
    manufacturer: str | None = Field(default=None, max_length=255)
    model: str | None = Field(default=None, max_length=255)
    calibre: str | None = Field(default=None, max_length=64)
    lot_number: str | None = Field(default=None, max_length=128)
    quantity: int = Field(sa_type=BigInteger)
    serial_key: str | None = Field(default=None, max_length=128)
    manufacturer_key: str | None = Field(default=None, max_length=255)
    calibre_key: str | None = Field(default=None, max_length=64)
    lot_key: str | None = Field(default=None, max_length=128)
