"""Daily counts of manifest and declared items by calibre, maker, year of manufacture and
presumed user, which statistics read for those groupings instead of the items.

``manifest_item_daily_attributes`` and ``declared_item_daily_attributes`` hold, per
``attribute``, day, country, mission and direction or declaration type, and ``value``, the
item rows, the quantity counted in units and the mass in grams. The values: the calibre's
and the maker's match keys (aliases resolved, as the items store them), the year of
manufacture as text, and for declared items the presumed user: the armed group it
resolves to, else its kind; ``''``: not recorded), and ``label``: a calibre's or maker's
spelling as recorded (``''`` for the other attributes), from which statistics show the
most recorded spelling of a value no reference list names. The item inserts keep them
exact from this revision on; the upgrade fills them from the items already stored.

Downgrading drops the two tables (the items they were computed from stay).

Revision ID: registry0024
Revises: registry0023
Create Date: 2026-12-06 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0024"
down_revision: str | None = "registry0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUMS = (
    "count(*),"
    " sum(CASE WHEN quantity_unit IN ('kg', 'g') THEN 0 ELSE quantity END),"
    " sum(CASE WHEN quantity_unit = 'g' THEN quantity"
    " WHEN quantity_unit = 'kg' THEN quantity * 1000 ELSE 0 END)"
)
MANIFEST_KEYS = "contributing_country, crossing_date, mission_code, direction"
DECLARED_KEYS = "declaring_country, event_date, COALESCE(mission_code, ''), declaration_type"
YEAR = ("COALESCE(CAST(year_of_manufacture AS VARCHAR), '')", None)
# attribute -> (value, spelling) per register, as services/registry/daily_counts does.
MANIFEST_ATTRIBUTES: dict[str, tuple[str, str | None]] = {
    "calibre": ("COALESCE(calibre_key, '')", "calibre"),
    "manufacturer": ("COALESCE(manufacturer_key, '')", "manufacturer"),
    "year_of_manufacture": YEAR,
}
DECLARED_ATTRIBUTES: dict[str, tuple[str, str | None]] = {
    "calibre": ("COALESCE(calibre_key, '')", "calibre"),
    "manufacturer": (
        "COALESCE(manufacturer_key, '')",
        "COALESCE(manufacturer, headstamp_maker)",
    ),
    "year_of_manufacture": YEAR,
    "presumed_user": ("COALESCE(armed_group, presumed_user_kind, '')", None),
}


def _backfill(
    table: str, items: str, keys: str, attributes: dict[str, tuple[str, str | None]]
) -> str:
    key_columns = (
        "contributing_country, crossing_date, mission_code, direction"
        if items == "manifest_items"
        else "declaring_country, event_date, mission_code, declaration_type"
    )
    parts = [
        f"SELECT '{name}', {keys}, {value}, COALESCE({spelling}, ''), {SUMS}"
        # Grouped by the stored spelling (NULL and '' are one label), as the inserts do.
        f" FROM {items} GROUP BY {keys}, {value}, COALESCE({spelling}, '')"
        if spelling
        else f"SELECT '{name}', {keys}, {value}, '', {SUMS} FROM {items} GROUP BY {keys}, {value}"
        for name, (value, spelling) in attributes.items()
    ]
    return (
        f"INSERT INTO {table} (attribute, {key_columns}, value, label, records, quantity,"
        f" mass_grams) {' UNION ALL '.join(parts)}"
    )


def _create(table: str, *keys: sa.Column[object]) -> None:
    op.create_table(
        table,
        sa.Column("attribute", sa.String(length=24), nullable=False),
        *keys,
        sa.Column("value", sa.String(length=400), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("mass_grams", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("records >= 0", name=op.f(f"ck_{table}_records")),
        sa.CheckConstraint("quantity >= 0", name=op.f(f"ck_{table}_quantity")),
        sa.CheckConstraint("mass_grams >= 0", name=op.f(f"ck_{table}_mass_grams")),
        sa.PrimaryKeyConstraint(
            "attribute",
            *(key.name for key in keys),
            "value",
            "label",
            name=op.f(f"pk_{table}"),
        ),
    )


def upgrade() -> None:
    _create(
        "manifest_item_daily_attributes",
        sa.Column("contributing_country", sa.String(length=3), nullable=False),
        sa.Column("crossing_date", sa.Date(), nullable=False),
        sa.Column("mission_code", sa.String(length=32), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
    )
    _create(
        "declared_item_daily_attributes",
        sa.Column("declaring_country", sa.String(length=3), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("mission_code", sa.String(length=32), nullable=False),
        sa.Column("declaration_type", sa.String(length=16), nullable=False),
    )
    op.execute(
        sa.text(
            _backfill(
                "manifest_item_daily_attributes",
                "manifest_items",
                MANIFEST_KEYS,
                MANIFEST_ATTRIBUTES,
            )
        )
    )
    op.execute(
        sa.text(
            _backfill(
                "declared_item_daily_attributes",
                "declared_items",
                DECLARED_KEYS,
                DECLARED_ATTRIBUTES,
            )
        )
    )


def downgrade() -> None:
    op.drop_table("declared_item_daily_attributes")
    op.drop_table("manifest_item_daily_attributes")
