"""Declarations, versions, contents, items, holds, disposals, the log; append-only triggers.

Revision ID: declarations0002
Revises: declarations0001
Create Date: 2026-11-22

Immutability is enforced by the database, not only the API:

- PostgreSQL: a BEFORE UPDATE OR DELETE row trigger and a BEFORE TRUNCATE
  statement trigger on every record and log table raise an exception.
  ``declaration_contents`` has its own guard that lets exactly one transition
  through: ``content`` from a value to NULL, keys unchanged, when a
  ``disposals`` row for that declaration exists. A ``disposals`` row may only
  be inserted when the declaration's retention has expired (``disposed_on``
  on or after the latest version's ``retain_until``) and no hold is active.
- SQLite: BEFORE UPDATE and BEFORE DELETE triggers with RAISE(ABORT); SQLite
  has no TRUNCATE (its DELETE-all optimisation is off when triggers exist).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "declarations0002"
down_revision: str | None = "declarations0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = (
    "declarations",
    "declaration_versions",
    "disposals",
    "holds",
    "hold_lifts",
    "log_entries",
    "log_nodes",
    "checkpoints",
)

_TZ = sa.DateTime(timezone=True)

_PG_FUNCTIONS = """
CREATE FUNCTION declarations_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the register is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE FUNCTION declaration_contents_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD.content IS NOT NULL AND NEW.content IS NULL
     AND NEW.declaration_id = OLD.declaration_id AND NEW.version = OLD.version
     AND EXISTS (SELECT 1 FROM disposals d WHERE d.declaration_id = OLD.declaration_id) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'declaration content is removed only by a recorded disposal: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE FUNCTION disposals_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.disposed_on < (SELECT max(retain_until) FROM declaration_versions v
                        WHERE v.declaration_id = NEW.declaration_id) THEN
    RAISE EXCEPTION 'retention of declaration % has not expired', NEW.declaration_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF EXISTS (SELECT 1 FROM holds h LEFT JOIN hold_lifts l ON l.hold_id = h.id
             WHERE h.declaration_id = NEW.declaration_id AND l.hold_id IS NULL) THEN
    RAISE EXCEPTION 'declaration % is under a legal hold', NEW.declaration_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
"""

_SQLITE_CONTENT_GUARD = """
CREATE TRIGGER declaration_contents_guard BEFORE UPDATE ON declaration_contents
WHEN NOT (OLD.content IS NOT NULL AND NEW.content IS NULL
          AND NEW.declaration_id = OLD.declaration_id AND NEW.version = OLD.version
          AND EXISTS (SELECT 1 FROM disposals d WHERE d.declaration_id = OLD.declaration_id))
BEGIN SELECT RAISE(ABORT, 'declaration content is removed only by a recorded disposal'); END
"""

_SQLITE_DISPOSAL_GUARD = """
CREATE TRIGGER disposals_guard BEFORE INSERT ON disposals
WHEN NEW.disposed_on < (SELECT max(retain_until) FROM declaration_versions v
                        WHERE v.declaration_id = NEW.declaration_id)
  OR EXISTS (SELECT 1 FROM holds h LEFT JOIN hold_lifts l ON l.hold_id = h.id
             WHERE h.declaration_id = NEW.declaration_id AND l.hold_id IS NULL)
BEGIN SELECT RAISE(ABORT, 'retention has not expired or a legal hold is active'); END
"""


def _create_tables() -> None:
    op.create_table(
        "declarations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("declaring_country", sa.String(3), nullable=False),
        sa.Column("declared_at", _TZ, nullable=False),
        sa.Column("declared_by", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declarations")),
    )
    op.create_index(
        "ix_declarations_country_declared",
        "declarations",
        ["declaring_country", "declared_at", "id"],
    )
    op.create_index("ix_declarations_declared", "declarations", ["declared_at", "id"])
    op.create_table(
        "declaration_versions",
        sa.Column("declaration_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("record_sha256", sa.String(64), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("mission", sa.String(32), nullable=True),
        sa.Column("undeclared", sa.Boolean(), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("log_index", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_declaration_versions_declaration_id_declarations"),
        ),
        sa.PrimaryKeyConstraint("declaration_id", "version", name=op.f("pk_declaration_versions")),
        sa.UniqueConstraint("log_index", name=op.f("uq_declaration_versions_log_index")),
    )
    op.create_table(
        "declaration_contents",
        sa.Column("declaration_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["declaration_id", "version"],
            ["declaration_versions.declaration_id", "declaration_versions.version"],
            name="fk_declaration_contents_version",
        ),
        sa.PrimaryKeyConstraint("declaration_id", "version", name=op.f("pk_declaration_contents")),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("declaration_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("declaration_type", sa.String(20), nullable=False),
        sa.Column("match_key", sa.String(400), nullable=False),
        sa.Column("serial_key", sa.String(100), nullable=True),
        sa.Column("manufacturer_key", sa.String(200), nullable=True),
        sa.Column("calibre_key", sa.String(100), nullable=True),
        sa.Column("destroyed", sa.Boolean(), nullable=False),
        sa.Column("undeclared", sa.Boolean(), nullable=False),
        sa.Column("destroyed_key", sa.String(400), nullable=True),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_items_declaration_id_declarations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
        sa.UniqueConstraint("destroyed_key", name=op.f("uq_items_destroyed_key")),
    )
    op.create_index("ix_items_match_key", "items", ["match_key"])
    op.create_index("ix_items_declaration", "items", ["declaration_id"])
    op.create_table(
        "disposals",
        sa.Column("declaration_id", sa.String(36), nullable=False),
        sa.Column("disposed_on", sa.Date(), nullable=False),
        sa.Column("disposed_at", _TZ, nullable=False),
        sa.Column("disposed_by", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("log_index", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_disposals_declaration_id_declarations"),
        ),
        sa.PrimaryKeyConstraint("declaration_id", name=op.f("pk_disposals")),
        sa.UniqueConstraint("log_index", name=op.f("uq_disposals_log_index")),
    )
    op.create_table(
        "holds",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("declaration_id", sa.String(36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_at", _TZ, nullable=False),
        sa.Column("placed_by", sa.String(255), nullable=False),
        sa.Column("placed_by_org", sa.String(64), nullable=False),
        sa.Column("log_index", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_holds_declaration_id_declarations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holds")),
        sa.UniqueConstraint("log_index", name=op.f("uq_holds_log_index")),
    )
    op.create_index("ix_holds_declaration", "holds", ["declaration_id"])
    op.create_table(
        "hold_lifts",
        sa.Column("hold_id", sa.String(36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("lifted_at", _TZ, nullable=False),
        sa.Column("lifted_by", sa.String(255), nullable=False),
        sa.Column("lifted_by_org", sa.String(64), nullable=False),
        sa.Column("log_index", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hold_id"], ["holds.id"], name=op.f("fk_hold_lifts_hold_id_holds")
        ),
        sa.PrimaryKeyConstraint("hold_id", name=op.f("pk_hold_lifts")),
        sa.UniqueConstraint("log_index", name=op.f("uq_hold_lifts_log_index")),
    )
    op.create_table(
        "log_entries",
        sa.Column("index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("entry_type", sa.String(32), nullable=False),
        sa.Column("declaration_id", sa.String(36), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("leaf_input", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("index", name=op.f("pk_log_entries")),
    )
    op.create_index("ix_log_entries_declaration", "log_entries", ["declaration_id", "index"])
    op.create_table(
        "log_nodes",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("level", "index", name=op.f("pk_log_nodes")),
    )
    op.create_table(
        "checkpoints",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("signed_note", sa.Text(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_checkpoints")),
    )


def _create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTIONS)
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
                " FOR EACH ROW EXECUTE FUNCTION declarations_refuse_change()"
            )
        for table in (*APPEND_ONLY, "declaration_contents"):
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION declarations_refuse_change()"
            )
        op.execute(
            "CREATE TRIGGER declaration_contents_guard BEFORE UPDATE OR DELETE"
            " ON declaration_contents FOR EACH ROW EXECUTE FUNCTION declaration_contents_guard()"
        )
        op.execute(
            "CREATE TRIGGER disposals_guard BEFORE INSERT ON disposals"
            " FOR EACH ROW EXECUTE FUNCTION disposals_guard()"
        )
        return
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}"
                f" BEGIN SELECT RAISE(ABORT, 'the register is append-only: {action} on"
                f" {table} refused'); END"
            )
    op.execute(_SQLITE_CONTENT_GUARD)
    op.execute(
        "CREATE TRIGGER declaration_contents_no_delete BEFORE DELETE ON declaration_contents"
        " BEGIN SELECT RAISE(ABORT, 'declaration content is never deleted'); END"
    )
    op.execute(_SQLITE_DISPOSAL_GUARD)


def upgrade() -> None:
    _create_tables()
    _create_triggers()


def downgrade() -> None:
    # Dropping a table drops its triggers; the PostgreSQL functions go last.
    for table in (
        "checkpoints",
        "log_nodes",
        "log_entries",
        "hold_lifts",
        "holds",
        "disposals",
        "items",
        "declaration_contents",
        "declaration_versions",
        "declarations",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        for function in (
            "disposals_guard",
            "declaration_contents_guard",
            "declarations_refuse_change",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
