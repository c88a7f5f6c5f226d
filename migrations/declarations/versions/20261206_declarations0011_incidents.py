"""Incidents that declarations name, and what the database refuses of them.

An incident (an attack on a mission or on national forces, a cache, a checkpoint
seizure, a DDR collection, a voluntary surrender, banditry, other) has a date, a place
and a presumed user as its creator declared them. Declarations of one state or several
name it by ``incident_id`` in their record (a new optional member of the document: the
records, their canonical bytes and the log entries already stored are untouched).
Ammunition's new members (``headstamp``, ``condition``, an optional ``lot_number``)
live in the record too and need no column.

Incidents are insert-only: triggers refuse UPDATE and DELETE (and TRUNCATE on
PostgreSQL), as for the register's records. Downgrading drops the table.

Revision ID: declarations0011
Revises: declarations0010
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "declarations0011"
down_revision: str | None = "declarations0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "incidents"
PG_FUNCTION = f"""
CREATE FUNCTION {TABLE}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{TABLE} is insert-only' USING ERRCODE = 'insufficient_privilege';
END;
$$
"""


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("incident_type", sa.String(32), nullable=False),
        sa.Column("incident_date", sa.Date(), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("place", sa.String(200), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("presumed_user", sa.String(200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_by_type", sa.String(8), nullable=False),
        sa.Column("created_by_org", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_index(
        "ix_incidents_org_created", TABLE, ["created_by_org", "created_at", "id"], unique=False
    )
    op.create_index("ix_incidents_country_date", TABLE, ["country", "incident_date"], unique=False)
    op.create_index("ix_incidents_created", TABLE, ["created_at", "id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(
            f"CREATE TRIGGER {TABLE}_insert_only BEFORE UPDATE OR DELETE ON {TABLE}"
            f" FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_refuse_change()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE}"
                f" BEGIN SELECT RAISE(ABORT, '{TABLE} is insert-only'); END"
            )


def downgrade() -> None:
    op.drop_index("ix_incidents_created", table_name=TABLE)
    op.drop_index("ix_incidents_country_date", table_name=TABLE)
    op.drop_index("ix_incidents_org_created", table_name=TABLE)
    op.drop_table(TABLE)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION {TABLE}_refuse_change()")
