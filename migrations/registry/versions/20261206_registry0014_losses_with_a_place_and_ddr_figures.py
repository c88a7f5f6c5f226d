"""Losses with a place, and the people of a DDR collection in the declarations index.

``loss_reports`` gains ``circumstance`` (``ambush``, ``attack_on_base``,
``theft_from_armoury``, ``accident``, ``other``) and the WGS 84 coordinates of the
place (``lat``, ``lon``: both or neither), so losses appear on the statistics map
beside recoveries; an index on (country, loss date) serves the map's tenancy filter.
``indexed_declarations`` gains the people who handed in materiel in a DDR collection,
by sex and age (``ddr_female_under_18``, ``ddr_female_18_and_over``,
``ddr_male_under_18``, ``ddr_male_18_and_over``, ``ddr_sex_or_age_unknown``), which
statistics sum. Every new column is nullable: reports and declarations stored before
read as before (null: not stated).

Downgrading drops the columns and their constraints (what they held is lost: the
declarations register still has the DDR figures in its records, and redelivering the
feed restores them after a new upgrade).

Revision ID: registry0014
Revises: registry0013
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0014"
# The integrator re-chains this after registry0013 when both branches land.
down_revision: str | None = "registry0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CIRCUMSTANCES = (
    "circumstance IN ('ambush', 'attack_on_base', 'theft_from_armoury', 'accident', 'other')"
)
# (constraint name without the ck_loss_reports_ prefix, condition)
LOSS_CHECKS = (
    ("circumstance", CIRCUMSTANCES),
    ("lat", "lat BETWEEN -90 AND 90"),
    ("lon", "lon BETWEEN -180 AND 180"),
    ("coordinates", "(lat IS NULL) = (lon IS NULL)"),
)
DDR_COLUMNS = (
    "ddr_female_under_18",
    "ddr_female_18_and_over",
    "ddr_male_under_18",
    "ddr_male_18_and_over",
    "ddr_sex_or_age_unknown",
)


def upgrade() -> None:
    # Batch mode: SQLite rebuilds the tables (neither has triggers), PostgreSQL alters
    # them in place.
    with op.batch_alter_table("loss_reports") as batch:
        batch.add_column(sa.Column("circumstance", sa.String(32), nullable=True))
        batch.add_column(sa.Column("lat", sa.Float(), nullable=True))
        batch.add_column(sa.Column("lon", sa.Float(), nullable=True))
        for name, condition in LOSS_CHECKS:
            batch.create_check_constraint(op.f(f"ck_loss_reports_{name}"), sa.text(condition))
    op.create_index(
        op.f("ix_loss_reports_country_date"),
        "loss_reports",
        ["contributing_country", "loss_date"],
    )
    with op.batch_alter_table("indexed_declarations") as batch:
        for column in DDR_COLUMNS:
            batch.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch.create_check_constraint(
                op.f(f"ck_indexed_declarations_{column}"), sa.text(f"{column} >= 0")
            )


def downgrade() -> None:
    with op.batch_alter_table("indexed_declarations") as batch:
        for column in DDR_COLUMNS:
            batch.drop_constraint(op.f(f"ck_indexed_declarations_{column}"), type_="check")
            batch.drop_column(column)
    op.drop_index(op.f("ix_loss_reports_country_date"), table_name="loss_reports")
    with op.batch_alter_table("loss_reports") as batch:
        for name, _ in LOSS_CHECKS:
            batch.drop_constraint(op.f(f"ck_loss_reports_{name}"), type_="check")
        batch.drop_column("lon")
        batch.drop_column("lat")
        batch.drop_column("circumstance")
