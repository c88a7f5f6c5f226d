"""Serial neighbourhood index for trace's "possible" matches, and its backlog.

Trace found serials one edit from the query by looking up the query's whole one-edit
neighbourhood (about 600 keys) in each item table: some 1,500 index probes per trace,
which capped it near 200 requests/s over 5 million items. ``serial_neighbours`` holds
the positional symmetric-delete keys of every stored match key instead (the key and
each single-character deletion, with its position), so a trace looks up about 4n keys
of its own and reads only rows that can match. Stores add one backlog row per record
in their transaction; the indexer (a background task of the registry, or ``regctl
index neighbours``) turns it into neighbour rows. Until then trace falls back to the
probing above, so no match is ever missed.

Upgrading queues every stored manifest, loss report and indexed declaration; the
registry indexes them after it starts (``regctl index neighbours --until-empty`` does
it at once). Downgrading drops both tables: they are derived from the item tables.

Revision ID: registry0006
Revises: registry0005
Create Date: 2026-11-29 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0006"
down_revision: str | None = "registry0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_LENGTH = 64  # MAX_FUZZY_LENGTH: longer keys take no part in one-edit matching
SEARCH_KEY_LENGTH = KEY_LENGTH + 8  # a deletion of the key, "/", the deleted position


def upgrade() -> None:
    op.create_table(
        "serial_neighbours",
        sa.Column("search_key", sa.String(length=SEARCH_KEY_LENGTH), nullable=False),
        sa.Column("serial_key", sa.String(length=KEY_LENGTH), nullable=False),
        sa.PrimaryKeyConstraint("search_key", "serial_key", name=op.f("pk_serial_neighbours")),
    )
    op.create_table(
        "serial_index_backlog",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "source IN ('manifest', 'loss_report', 'declaration')",
            name=op.f("ck_serial_index_backlog_source"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_serial_index_backlog")),
    )
    for source, table, column in (
        ("manifest", "manifests", "id"),
        ("loss_report", "loss_reports", "id"),
        ("declaration", "indexed_declarations", "declaration_id"),
    ):
        op.execute(
            "INSERT INTO serial_index_backlog (source, record_id, queued_at)"
            f" SELECT '{source}', {column}, CURRENT_TIMESTAMP FROM {table} ORDER BY {column}"
        )


def downgrade() -> None:
    op.drop_table("serial_index_backlog")
    op.drop_table("serial_neighbours")
