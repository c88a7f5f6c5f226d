"""Missions, manifests and their items, loss reports and their items.

Revision ID: registry0002
Revises: registry0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0002"
down_revision: str | None = "registry0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "missions",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("authority", sa.String(length=32), nullable=False),
        sa.Column("host_countries", sa.JSON(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_missions")),
    )
    op.create_table(
        "loss_reports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("mission_code", sa.String(length=32), nullable=False),
        sa.Column("contributing_country", sa.String(length=3), nullable=False),
        sa.Column("unit", sa.String(length=255), nullable=True),
        sa.Column("loss_type", sa.String(length=32), nullable=False),
        sa.Column("loss_date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=255), nullable=False),
        sa.Column("circumstances", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "loss_type IN ('lost', 'stolen', 'captured_in_attack')",
            name=op.f("ck_loss_reports_loss_type"),
        ),
        sa.CheckConstraint("item_count > 0", name=op.f("ck_loss_reports_item_count")),
        sa.ForeignKeyConstraint(
            ["mission_code"], ["missions.code"], name=op.f("fk_loss_reports_mission_code_missions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loss_reports")),
    )
    op.create_index(
        op.f("ix_loss_reports_contingent"),
        "loss_reports",
        ["mission_code", "contributing_country"],
        unique=False,
    )
    op.create_index(
        op.f("ix_loss_reports_country_created"),
        "loss_reports",
        ["contributing_country", "created_at", "id"],
        unique=False,
    )

    op.create_table(
        "manifests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("mission_code", sa.String(length=32), nullable=False),
        sa.Column("contributing_country", sa.String(length=3), nullable=False),
        sa.Column("unit", sa.String(length=255), nullable=False),
        sa.Column("crossing_date", sa.Date(), nullable=False),
        sa.Column("crossing_point", sa.String(length=255), nullable=True),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("is_correction", sa.Boolean(), nullable=False),
        sa.Column("closes_rotation", sa.Boolean(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f("ck_manifests_direction")),
        sa.CheckConstraint("item_count >= 0", name=op.f("ck_manifests_item_count")),
        sa.ForeignKeyConstraint(
            ["mission_code"], ["missions.code"], name=op.f("fk_manifests_mission_code_missions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manifests")),
    )
    op.create_index(
        op.f("ix_manifests_contingent"),
        "manifests",
        ["mission_code", "contributing_country"],
        unique=False,
    )
    op.create_index(
        op.f("ix_manifests_country_created"),
        "manifests",
        ["contributing_country", "created_at", "id"],
        unique=False,
    )

    op.create_table(
        "loss_report_items",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("loss_report_id", sa.String(length=36), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("mission_code", sa.String(length=32), nullable=False),
        sa.Column("contributing_country", sa.String(length=3), nullable=False),
        sa.Column("loss_date", sa.Date(), nullable=False),
        sa.Column("serial_number", sa.String(length=128), nullable=True),
        sa.Column("manufacturer", sa.String(length=255), nullable=True),
        sa.Column("model", sa.String(length=255), nullable=True),
        sa.Column("calibre", sa.String(length=64), nullable=True),
        sa.Column("lot_number", sa.String(length=128), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("serial_key", sa.String(length=128), nullable=True),
        sa.Column("manufacturer_key", sa.String(length=255), nullable=True),
        sa.Column("calibre_key", sa.String(length=64), nullable=True),
        sa.Column("lot_key", sa.String(length=128), nullable=True),
        sa.CheckConstraint(
            "kind <> 'weapon' OR quantity = 1",
            name=op.f("ck_loss_report_items_weapon_quantity_one"),
        ),
        sa.CheckConstraint(
            "kind IN ('weapon', 'ammunition')", name=op.f("ck_loss_report_items_kind")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_loss_report_items_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["loss_report_id"],
            ["loss_reports.id"],
            name=op.f("fk_loss_report_items_loss_report_id_loss_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loss_report_items")),
    )
    op.create_index(
        op.f("ix_loss_report_items_contingent"),
        "loss_report_items",
        ["mission_code", "contributing_country", "kind"],
        unique=False,
    )
    op.create_index(
        op.f("ix_loss_report_items_report_line"),
        "loss_report_items",
        ["loss_report_id", "line"],
        unique=True,
    )

    op.create_table(
        "manifest_items",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("manifest_id", sa.String(length=36), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("mission_code", sa.String(length=32), nullable=False),
        sa.Column("contributing_country", sa.String(length=3), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("crossing_date", sa.Date(), nullable=False),
        sa.Column("unit", sa.String(length=255), nullable=False),
        sa.Column("is_correction", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("manufacturer", sa.String(length=255), nullable=True),
        sa.Column("model", sa.String(length=255), nullable=True),
        sa.Column("calibre", sa.String(length=64), nullable=True),
        sa.Column("serial_number", sa.String(length=128), nullable=True),
        sa.Column("year_of_manufacture", sa.Integer(), nullable=True),
        sa.Column("country_of_manufacture", sa.String(length=3), nullable=True),
        sa.Column("markings", sa.String(length=1000), nullable=True),
        sa.Column("lot_number", sa.String(length=128), nullable=True),
        sa.Column("ammunition_type", sa.String(length=32), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("serial_key", sa.String(length=128), nullable=True),
        sa.Column("manufacturer_key", sa.String(length=255), nullable=True),
        sa.Column("calibre_key", sa.String(length=64), nullable=True),
        sa.Column("lot_key", sa.String(length=128), nullable=True),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f("ck_manifest_items_direction")),
        sa.CheckConstraint(
            "kind <> 'ammunition' OR (lot_number IS NOT NULL AND calibre IS NOT NULL)",
            name=op.f("ck_manifest_items_ammunition_lot"),
        ),
        sa.CheckConstraint(
            "kind <> 'weapon' OR (serial_number IS NOT NULL AND serial_key IS NOT NULL)",
            name=op.f("ck_manifest_items_weapon_serial"),
        ),
        sa.CheckConstraint(
            "kind <> 'weapon' OR quantity = 1", name=op.f("ck_manifest_items_weapon_quantity_one")
        ),
        sa.CheckConstraint(
            "kind IN ('weapon', 'ammunition', 'part')", name=op.f("ck_manifest_items_kind")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_manifest_items_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["manifest_id"], ["manifests.id"], name=op.f("fk_manifest_items_manifest_id_manifests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manifest_items")),
    )
    op.create_index(
        op.f("ix_manifest_items_lot_key"),
        "manifest_items",
        ["mission_code", "contributing_country", "kind", "calibre_key", "lot_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_manifest_items_manifest_line"),
        "manifest_items",
        ["manifest_id", "line"],
        unique=True,
    )
    op.create_index(
        op.f("ix_manifest_items_serial_key"), "manifest_items", ["serial_key"], unique=False
    )
    op.create_index(
        op.f("ix_manifest_items_weapon_key"),
        "manifest_items",
        ["mission_code", "contributing_country", "kind", "serial_key", "manufacturer_key"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_manifest_items_weapon_key"), table_name="manifest_items")
    op.drop_index(op.f("ix_manifest_items_serial_key"), table_name="manifest_items")
    op.drop_index(op.f("ix_manifest_items_manifest_line"), table_name="manifest_items")
    op.drop_index(op.f("ix_manifest_items_lot_key"), table_name="manifest_items")

    op.drop_table("manifest_items")
    op.drop_index(op.f("ix_loss_report_items_report_line"), table_name="loss_report_items")
    op.drop_index(op.f("ix_loss_report_items_contingent"), table_name="loss_report_items")

    op.drop_table("loss_report_items")
    op.drop_index(op.f("ix_manifests_country_created"), table_name="manifests")
    op.drop_index(op.f("ix_manifests_contingent"), table_name="manifests")

    op.drop_table("manifests")
    op.drop_index(op.f("ix_loss_reports_country_created"), table_name="loss_reports")
    op.drop_index(op.f("ix_loss_reports_contingent"), table_name="loss_reports")

    op.drop_table("loss_reports")
    op.drop_table("missions")
