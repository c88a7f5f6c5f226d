"""Widen the item index's keys to what the accepted identifiers normalize to.

Declarations accept 200-character serials, makers and calibres, but the item index
held 100/200/100-character keys (and 400 for the match and destroyed keys), so a
long identifier ended as a database error on PostgreSQL. Long part descriptions now
enter the match key hashed; a key longer still is refused with a 422 naming the item.

Item index rows of parts stored before, whose description words are longer than that,
are rekeyed the same way (the index is derived data, rebuilt on amendment; the records
themselves are untouched), so custody matching and the unique destroyed key keep
working across the change. Downgrading narrows the columns again (PostgreSQL refuses
while a longer key is stored: nothing is truncated silently) and leaves hashed keys,
which fit.

Revision ID: declarations0006
Revises: declarations0005
Create Date: 2026-11-29 16:25:00
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "declarations0006"
down_revision: str | None = "declarations0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# column: (length before, length after, nullable)
WIDENED: dict[str, tuple[int, int, bool]] = {
    "match_key": (400, 1000, False),
    "serial_key": (100, 400, True),
    "manufacturer_key": (200, 400, True),
    "calibre_key": (100, 400, True),
    "destroyed_key": (400, 1000, True),
}


def _resize(*, after: bool) -> None:
    with op.batch_alter_table("items") as batch:
        for column, (before, wider, nullable) in WIDENED.items():
            batch.alter_column(
                column,
                existing_type=sa.String(length=before if after else wider),
                type_=sa.String(length=wider if after else before),
                existing_nullable=nullable,
            )


# As services/declarations/declarations/custody.py keys a part's description (a
# migration keeps its own copy: the service's rule may change later, this step not).
DESCRIPTION_WORDS_IN_KEY = 200


def _rekeyed(match_key: str) -> str | None:
    """``part|<words>|<serial>`` with long words hashed, or None when it stays as it is."""
    words, _, serial = match_key.removeprefix("part|").rpartition("|")
    if len(words) <= DESCRIPTION_WORDS_IN_KEY or words.startswith("sha256:"):
        return None
    return f"part|sha256:{hashlib.sha256(words.encode()).hexdigest()}|{serial}"


def _rekey_long_part_descriptions() -> None:
    items = sa.table(
        "items",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("match_key", sa.String),
        sa.column("destroyed_key", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(items.c.id, items.c.match_key, items.c.destroyed_key).where(
            items.c.kind == "part",
            sa.func.length(items.c.match_key) > DESCRIPTION_WORDS_IN_KEY + len("part||"),
        )
    ).all()
    for row in rows:
        new_key = _rekeyed(row.match_key)
        if new_key is None:
            continue
        changes = {"match_key": new_key}
        if row.destroyed_key == row.match_key:
            changes["destroyed_key"] = new_key
        bind.execute(items.update().where(items.c.id == row.id).values(**changes))


def _refresh_statistics() -> None:
    # PostgreSQL drops a column's planner statistics when its type changes: until the
    # next autovacuum analyze, key lookups plan as scans (a trace over 5 million indexed
    # items fell from 200 to 10 requests a second). Sampling takes seconds, not a rewrite.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE items")


def upgrade() -> None:
    _resize(after=True)
    _rekey_long_part_descriptions()
    _refresh_statistics()


def downgrade() -> None:
    _resize(after=False)
    _refresh_statistics()
