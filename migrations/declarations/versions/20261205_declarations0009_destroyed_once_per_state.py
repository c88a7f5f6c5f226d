"""Destroyed once per declaring state, not across states.

The item index's unique ``destroyed_key`` made "already destroyed" a question about
every state's records: any state could test serials for destruction elsewhere, and
block another state's destruction by declaring the serial destroyed first. Items now
carry ``destroyed_country`` (the declaring state, set with ``destroyed_key``) and the
unique key is the pair: a state destroys an item at most once, and two states'
destructions of one item are both kept (the registry alerts the secretariats that see
both, ``destroyed_twice``).

Downgrading restores the global key: where two states destroyed one item, the earlier
destruction (by declaration time, then id and position) keeps the key, the other's item
gets ``<key>|duplicate|<declaration id>|<position>`` and the pair is listed in
``duplicate_destructions`` (as declarations0007 does), so no record is lost.

Revision ID: declarations0009
Revises: declarations0007 (declarations0008 once the branches meet)
Create Date: 2026-12-05 20:10:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "declarations0009"
down_revision: str | None = "declarations0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

items = sa.table(
    "items",
    sa.column("id", sa.Integer),
    sa.column("declaration_id", sa.String),
    sa.column("position", sa.Integer),
    sa.column("destroyed_key", sa.String),
    sa.column("destroyed_country", sa.String),
)
declarations = sa.table(
    "declarations",
    sa.column("id", sa.String),
    sa.column("declaring_country", sa.String),
    sa.column("declared_at", sa.DateTime),
)
pairs = sa.table(
    "duplicate_destructions",
    sa.column("destroyed_key", sa.String),
    sa.column("kept_declaration_id", sa.String),
    sa.column("kept_position", sa.Integer),
    sa.column("other_declaration_id", sa.String),
    sa.column("other_position", sa.Integer),
    sa.column("other_destroyed_key", sa.String),
    sa.column("found_by", sa.String),
    sa.column("found_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("destroyed_country", sa.String(length=3), nullable=True))
    country = (
        sa.select(declarations.c.declaring_country)
        .where(declarations.c.id == items.c.declaration_id)
        .scalar_subquery()
    )
    op.execute(
        items.update().where(items.c.destroyed_key.is_not(None)).values(destroyed_country=country)
    )
    with op.batch_alter_table("items") as batch:
        batch.drop_constraint("uq_items_destroyed_key", type_="unique")
        batch.create_unique_constraint(
            op.f("uq_items_destroyed_country_destroyed_key"),
            ["destroyed_country", "destroyed_key"],
        )


def downgrade() -> None:
    bind = op.get_bind()
    destroyed = bind.execute(
        sa.select(items.c.id, items.c.declaration_id, items.c.position, items.c.destroyed_key)
        .join(declarations, declarations.c.id == items.c.declaration_id)
        .where(items.c.destroyed_key.is_not(None))
        .order_by(declarations.c.declared_at, declarations.c.id, items.c.position)
    ).all()
    kept: dict[str, tuple[str, int]] = {}
    found = []
    now = datetime.now(UTC)
    for row in destroyed:
        first = kept.setdefault(row.destroyed_key, (row.declaration_id, row.position))
        if first == (row.declaration_id, row.position):
            continue
        other = f"{row.destroyed_key}|duplicate|{row.declaration_id}|{row.position}"
        bind.execute(items.update().where(items.c.id == row.id).values(destroyed_key=other))
        found.append(
            {
                "destroyed_key": row.destroyed_key,
                "kept_declaration_id": first[0],
                "kept_position": first[1],
                "other_declaration_id": row.declaration_id,
                "other_position": row.position,
                "other_destroyed_key": other,
                "found_by": revision,
                "found_at": now,
            }
        )
    if found:
        op.bulk_insert(pairs, found)
    with op.batch_alter_table("items") as batch:
        batch.drop_constraint(op.f("uq_items_destroyed_country_destroyed_key"), type_="unique")
        batch.create_unique_constraint(op.f("uq_items_destroyed_key"), ["destroyed_key"])
        batch.drop_column("destroyed_country")
