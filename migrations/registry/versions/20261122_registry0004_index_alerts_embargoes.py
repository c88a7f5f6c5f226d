"""Declarations index, alerts with audiences and audit trail, embargoes (seeded).

The seeded embargoes are editable data (``POST /registry/v1/embargoes``);
dates marked "check" should be confirmed against the resolutions.

Revision ID: registry0004
Revises: registry0003
Create Date: 2026-11-22 23:23:29.695880
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "registry0004"
down_revision: str | None = "registry0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# (id, country, starts_on, ends_on, authority, reference, note)
EMBARGOES: list[tuple[str, str, date, date | None, str, str, str]] = [
    (
        "seed-civ-2004",
        "CIV",
        date(2004, 11, 15),
        date(2016, 4, 28),
        "UN",
        "UNSC res. 1572 (2004)",
        "lifted by res. 2283 (2016); check",
    ),
    (
        "seed-lbr-2003",
        "LBR",
        date(2003, 12, 22),
        date(2016, 5, 25),
        "UN",
        "UNSC res. 1521 (2003)",
        "earlier embargo from res. 788 (1992); lifted by res. 2288 (2016); check",
    ),
    (
        "seed-caf-2013",
        "CAF",
        date(2013, 12, 5),
        None,
        "UN",
        "UNSC res. 2127 (2013)",
        "eased for the government by later resolutions (2024: res. 2745); check",
    ),
    (
        "seed-cod-2003",
        "COD",
        date(2003, 7, 28),
        None,
        "UN",
        "UNSC res. 1493 (2003)",
        "extended to the whole territory by res. 1596 (2005), non-state actors only "
        "since res. 1807 (2008); check",
    ),
    (
        "seed-mli-2017",
        "MLI",
        date(2017, 9, 5),
        date(2023, 8, 31),
        "UN",
        "UNSC res. 2374 (2017)",
        "targeted sanctions regime (travel ban, asset freeze), not a general arms "
        "embargo; ended 2023; check before relying on it",
    ),
]
SEEDED_BY = "migration registry0004"

embargoes_table = sa.table(
    "embargoes",
    sa.column("id", sa.String),
    sa.column("country", sa.String),
    sa.column("starts_on", sa.Date),
    sa.column("ends_on", sa.Date),
    sa.column("authority", sa.String),
    sa.column("reference", sa.String),
    sa.column("note", sa.String),
    sa.column("created_by", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("dedupe_key", sa.String(length=400), nullable=False),
        sa.Column("summary", sa.String(length=1000), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("mission_code", sa.String(length=32), nullable=True),
        sa.Column("declaration_id", sa.String(length=64), nullable=True),
        sa.Column("record_date", sa.Date(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('diversion', 'linkage', 'embargo', 'unreturned')", name=op.f("ck_alerts_kind")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'acknowledged', 'closed')", name=op.f("ck_alerts_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_created", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_alerts_declaration", ["declaration_id"], unique=False)
        batch_op.create_index("ix_alerts_dedupe_key", ["dedupe_key"], unique=True)

    op.create_table(
        "declared_items",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("declaration_id", sa.String(length=64), nullable=False),
        sa.Column("declaration_version", sa.Integer(), nullable=False),
        sa.Column("item_index", sa.Integer(), nullable=False),
        sa.Column("declaration_type", sa.String(length=16), nullable=False),
        sa.Column("declaring_country", sa.String(length=3), nullable=False),
        sa.Column("mission_code", sa.String(length=32), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("location_country", sa.String(length=3), nullable=False),
        sa.Column("place", sa.String(length=255), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("presumed_user", sa.String(length=255), nullable=True),
        sa.Column("undeclared", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("manufacturer", sa.String(length=255), nullable=True),
        sa.Column("model", sa.String(length=255), nullable=True),
        sa.Column("calibre", sa.String(length=64), nullable=True),
        sa.Column("serial_number", sa.String(length=128), nullable=True),
        sa.Column("lot_number", sa.String(length=128), nullable=True),
        sa.Column("year_of_manufacture", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("serial_key", sa.String(length=128), nullable=True),
        sa.Column("fuzzy_key", sa.String(length=128), nullable=True),
        sa.Column("manufacturer_key", sa.String(length=255), nullable=True),
        sa.Column("model_key", sa.String(length=255), nullable=True),
        sa.Column("calibre_key", sa.String(length=64), nullable=True),
        sa.Column("lot_key", sa.String(length=128), nullable=True),
        sa.CheckConstraint(
            "kind IN ('weapon', 'ammunition', 'part')", name=op.f("ck_declared_items_kind")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_declared_items_quantity_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declared_items")),
    )
    with op.batch_alter_table("declared_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_declared_items_country_date", ["declaring_country", "event_date"], unique=False
        )
        batch_op.create_index(
            "ix_declared_items_declaration", ["declaration_id", "item_index"], unique=True
        )
        batch_op.create_index("ix_declared_items_fuzzy_key", ["fuzzy_key"], unique=False)
        batch_op.create_index("ix_declared_items_lot", ["calibre_key", "lot_key"], unique=False)
        batch_op.create_index("ix_declared_items_serial_key", ["serial_key"], unique=False)
        batch_op.create_index(
            "ix_declared_items_weapon_signature",
            ["manufacturer_key", "model_key", "year_of_manufacture"],
            unique=False,
        )

    op.create_table(
        "embargoes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("authority", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_embargoes")),
    )
    with op.batch_alter_table("embargoes", schema=None) as batch_op:
        batch_op.create_index("ix_embargoes_country", ["country", "starts_on"], unique=False)

    op.create_table(
        "index_events",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("declaration_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("received_by", sa.String(length=255), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('indexed', 'disposed', 'stale')", name=op.f("ck_index_events_status")
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_index_events")),
    )
    op.create_table(
        "indexed_declarations",
        sa.Column("declaration_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("disposed", sa.Boolean(), nullable=False),
        sa.Column("declaration_type", sa.String(length=16), nullable=False),
        sa.Column("declaring_country", sa.String(length=3), nullable=False),
        sa.Column("mission_code", sa.String(length=32), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("location_country", sa.String(length=3), nullable=False),
        sa.Column("place", sa.String(length=255), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "declaration_type IN ('seizure', 'collection', 'destruction')",
            name=op.f("ck_indexed_declarations_type"),
        ),
        sa.PrimaryKeyConstraint("declaration_id", name=op.f("pk_indexed_declarations")),
    )
    with op.batch_alter_table("indexed_declarations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_indexed_declarations_country_date",
            ["declaring_country", "event_date"],
            unique=False,
        )

    op.create_table(
        "alert_audiences",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("alert_id", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("secretariat_only", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_audiences_alert_id_alerts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_audiences")),
    )
    with op.batch_alter_table("alert_audiences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_audiences_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(
            "ix_alert_audiences_country", ["country", "on_date", "alert_id"], unique=False
        )

    op.create_table(
        "alert_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("alert_id", sa.String(length=36), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("actor_org", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_events_alert_id_alerts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_events")),
    )
    with op.batch_alter_table("alert_events", schema=None) as batch_op:
        batch_op.create_index("ix_alert_events_alert", ["alert_id", "id"], unique=False)

    now = datetime.now(UTC)
    op.bulk_insert(
        embargoes_table,
        [
            {
                "id": e[0],
                "country": e[1],
                "starts_on": e[2],
                "ends_on": e[3],
                "authority": e[4],
                "reference": e[5],
                "note": e[6],
                "created_by": SEEDED_BY,
                "created_at": now,
            }
            for e in EMBARGOES
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("alert_events", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_events_alert")

    op.drop_table("alert_events")
    with op.batch_alter_table("alert_audiences", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_audiences_country")
        batch_op.drop_index(batch_op.f("ix_alert_audiences_alert_id"))

    op.drop_table("alert_audiences")
    with op.batch_alter_table("indexed_declarations", schema=None) as batch_op:
        batch_op.drop_index("ix_indexed_declarations_country_date")

    op.drop_table("indexed_declarations")
    op.drop_table("index_events")
    with op.batch_alter_table("embargoes", schema=None) as batch_op:
        batch_op.drop_index("ix_embargoes_country")

    op.drop_table("embargoes")
    with op.batch_alter_table("declared_items", schema=None) as batch_op:
        batch_op.drop_index("ix_declared_items_weapon_signature")
        batch_op.drop_index("ix_declared_items_serial_key")
        batch_op.drop_index("ix_declared_items_lot")
        batch_op.drop_index("ix_declared_items_fuzzy_key")
        batch_op.drop_index("ix_declared_items_declaration")
        batch_op.drop_index("ix_declared_items_country_date")

    op.drop_table("declared_items")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_dedupe_key")
        batch_op.drop_index("ix_alerts_declaration")
        batch_op.drop_index("ix_alerts_created")

    op.drop_table("alerts")
