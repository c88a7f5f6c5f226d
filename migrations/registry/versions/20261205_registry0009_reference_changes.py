"""The trail of changes to reference data (missions, embargoes), insert-only.

Every mission added or changed and every embargo configured appends one row, in the
transaction of the change: who (client id, organisation, address, request id), when,
which entity and key, and the entity before and after. Secretariats and the operator
read it at ``GET /registry/v1/reference/changes``.

The database refuses to rewrite it, not only the API (as the declarations service's
record tables): on PostgreSQL a BEFORE UPDATE OR DELETE row trigger and a BEFORE
TRUNCATE statement trigger raise; on SQLite BEFORE UPDATE and BEFORE DELETE triggers
RAISE(ABORT). Downgrading drops the table (its triggers with it) and the function.

Revision ID: registry0009
Revises: registry0006
Create Date: 2026-12-05 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0009"
down_revision: str | None = "registry0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "reference_changes"

_PG_FUNCTION = """
CREATE FUNCTION reference_changes_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the reference trail is insert-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("actor_org", sa.String(length=32), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "entity IN ('mission', 'embargo')", name=op.f("ck_reference_changes_entity")
        ),
        sa.CheckConstraint(
            "action IN ('create', 'update')", name=op.f("ck_reference_changes_action")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_changes")),
    )
    op.create_index("ix_reference_changes_entity_key", TABLE, ["entity", "key", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(
            f"CREATE TRIGGER {TABLE}_insert_only BEFORE UPDATE OR DELETE ON {TABLE}"
            " FOR EACH ROW EXECUTE FUNCTION reference_changes_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}"
            " FOR EACH STATEMENT EXECUTE FUNCTION reference_changes_refuse_change()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE}"
            f" BEGIN SELECT RAISE(ABORT, 'the reference trail is insert-only: {action} on"
            f" {TABLE} refused'); END"
        )


def downgrade() -> None:
    # Dropping the table drops its triggers; the PostgreSQL function goes last.
    op.drop_index("ix_reference_changes_entity_key", table_name=TABLE)
    op.drop_table(TABLE)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS reference_changes_refuse_change()")
