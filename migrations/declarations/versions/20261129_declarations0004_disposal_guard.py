"""The disposal guard checks retention against the database's own date and the logged entry.

Revision ID: declarations0004
Revises: declarations0003
Create Date: 2026-11-29

declarations0002 compared the caller-supplied ``disposed_on`` with
``retain_until``: anyone allowed to INSERT into ``disposals`` (the
application role) could date a disposal 2099 and null the content the day it
was declared. Now a ``disposals`` row is refused unless, by the database's
current date (UTC, as the service's clock):

- every version's ``retain_until`` has passed (disposal on that day is
  allowed, as in the service), the declaration has a version at all, and
  ``disposed_on`` is neither in the future nor before ``retain_until``;
- no hold is active;
- ``log_index`` names a log entry of type ``disposal`` for the same
  declaration (a foreign key to ``log_entries`` plus the trigger's check of
  its type and declaration).

SQLite adds a foreign key by copying the table (batch mode), which drops the
table's triggers; they are created again. ``declaration_contents_guard``
names ``disposals`` and would stop the copy's rename, so it is dropped and
created again too (unchanged).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "declarations0004"
down_revision: str | None = "declarations0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK_NAME = "fk_disposals_log_index_log_entries"

_PG_GUARD = """
CREATE OR REPLACE FUNCTION disposals_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  today date := (now() AT TIME ZONE 'UTC')::date;
  keep_until date := (SELECT max(retain_until) FROM declaration_versions v
                      WHERE v.declaration_id = NEW.declaration_id);
BEGIN
  IF keep_until IS NULL OR today < keep_until
     OR NEW.disposed_on > today OR NEW.disposed_on < keep_until THEN
    RAISE EXCEPTION 'retention of declaration % has not expired on %', NEW.declaration_id, today
      USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM holds h LEFT JOIN hold_lifts l ON l.hold_id = h.id
             WHERE h.declaration_id = NEW.declaration_id AND l.hold_id IS NULL) THEN
    RAISE EXCEPTION 'declaration % is under a legal hold', NEW.declaration_id
      USING ERRCODE = 'check_violation';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM log_entries e
                 WHERE e."index" = NEW.log_index AND e.entry_type = 'disposal'
                   AND e.declaration_id = NEW.declaration_id) THEN
    RAISE EXCEPTION 'disposal of % needs its disposal entry in the log', NEW.declaration_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
"""

# declarations0002's function, restored on downgrade.
_PG_GUARD_0002 = """
CREATE OR REPLACE FUNCTION disposals_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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

_SQLITE_KEEP_UNTIL = (
    "(SELECT max(retain_until) FROM declaration_versions v"
    " WHERE v.declaration_id = NEW.declaration_id)"
)

_SQLITE_GUARD = f"""
CREATE TRIGGER disposals_guard BEFORE INSERT ON disposals
WHEN {_SQLITE_KEEP_UNTIL} IS NULL
  OR date('now') < {_SQLITE_KEEP_UNTIL}
  OR NEW.disposed_on > date('now')
  OR NEW.disposed_on < {_SQLITE_KEEP_UNTIL}
  OR EXISTS (SELECT 1 FROM holds h LEFT JOIN hold_lifts l ON l.hold_id = h.id
             WHERE h.declaration_id = NEW.declaration_id AND l.hold_id IS NULL)
BEGIN
  SELECT RAISE(ABORT, 'retention has not expired by the database date or a legal hold is active');
END
"""

_SQLITE_LOGGED = """
CREATE TRIGGER disposals_logged BEFORE INSERT ON disposals
WHEN NOT EXISTS (SELECT 1 FROM log_entries e
                 WHERE e."index" = NEW.log_index AND e.entry_type = 'disposal'
                   AND e.declaration_id = NEW.declaration_id)
BEGIN SELECT RAISE(ABORT, 'a disposal needs its disposal entry in the log'); END
"""

# declarations0002's triggers, restored on downgrade.
_SQLITE_GUARD_0002 = """
CREATE TRIGGER disposals_guard BEFORE INSERT ON disposals
WHEN NEW.disposed_on < (SELECT max(retain_until) FROM declaration_versions v
                        WHERE v.declaration_id = NEW.declaration_id)
  OR EXISTS (SELECT 1 FROM holds h LEFT JOIN hold_lifts l ON l.hold_id = h.id
             WHERE h.declaration_id = NEW.declaration_id AND l.hold_id IS NULL)
BEGIN SELECT RAISE(ABORT, 'retention has not expired or a legal hold is active'); END
"""

_SQLITE_CONTENT_GUARD = """
CREATE TRIGGER declaration_contents_guard BEFORE UPDATE ON declaration_contents
WHEN NOT (OLD.content IS NOT NULL AND NEW.content IS NULL
          AND NEW.declaration_id = OLD.declaration_id AND NEW.version = OLD.version
          AND EXISTS (SELECT 1 FROM disposals d WHERE d.declaration_id = OLD.declaration_id))
BEGIN SELECT RAISE(ABORT, 'declaration content is removed only by a recorded disposal'); END
"""


def _sqlite_append_only() -> list[str]:
    return [
        f"CREATE TRIGGER disposals_no_{action.lower()} BEFORE {action} ON disposals"
        f" BEGIN SELECT RAISE(ABORT, 'the register is append-only: {action} on"
        " disposals refused'); END"
        for action in ("UPDATE", "DELETE")
    ]


def _sqlite_rebuild(*, with_fk: bool, guards: list[str]) -> None:
    for trigger in (
        "disposals_guard",
        "disposals_logged",
        "disposals_no_update",
        "disposals_no_delete",
        "declaration_contents_guard",
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    with op.batch_alter_table("disposals", recreate="always") as batch:
        if with_fk:
            batch.create_foreign_key(FK_NAME, "log_entries", ["log_index"], ["index"])
        else:
            batch.drop_constraint(FK_NAME, type_="foreignkey")
    for statement in (*_sqlite_append_only(), *guards, _SQLITE_CONTENT_GUARD):
        op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_foreign_key(FK_NAME, "disposals", "log_entries", ["log_index"], ["index"])
        op.execute(_PG_GUARD)
        return
    _sqlite_rebuild(with_fk=True, guards=[_SQLITE_GUARD, _SQLITE_LOGGED])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GUARD_0002)
        op.drop_constraint(FK_NAME, "disposals", type_="foreignkey")
        return
    _sqlite_rebuild(with_fk=False, guards=[_SQLITE_GUARD_0002])
