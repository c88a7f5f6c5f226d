"""Alert triage: an assignee, an outcome on close, a version for If-Match, and a history
that names each step's action.

Alerts gain ``assignee`` and ``assignee_org`` (a person of a secretariat),
``outcome`` (``confirmed_diversion``, ``not_same_item``, ``duplicate``, ``other``),
``outcome_note`` (required with ``other``) and ``version`` (the ETag; 1 for every
existing alert). CHECK constraints: an outcome is one of the four and only a closed
alert has one; ``other`` carries a note. Alerts closed before this revision keep a
NULL outcome (nobody recorded one; the API shows it as null rather than guess).

Alert events gain ``action`` (``raised``, ``assigned``, ``acknowledged``,
``commented``, ``closed``, ``reopened``, ``evidence_added`` when a linkage group
grew; filled in for the existing events from their statuses), ``from_assignee``,
``to_assignee`` and ``outcome``; the table becomes insert-only (triggers refuse
UPDATE and DELETE, and TRUNCATE on PostgreSQL), as ``reference_changes`` is.

Columns are added in place (ALTER TABLE ADD COLUMN with column constraints), not in
batch mode: recreating ``alerts`` on SQLite would fight the foreign keys pointing at it.

Downgrading drops the triggers and the columns (SQLite >= 3.35 drops a column in
place).

Revision ID: registry0015
Revises: registry0014
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "registry0015"
down_revision: str | None = "registry0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOMES = "'confirmed_diversion', 'not_same_item', 'duplicate', 'other'"
ACTIONS = (
    "'raised', 'assigned', 'acknowledged', 'commented', 'closed', 'reopened', 'evidence_added'"
)
EVENTS = "alert_events"

# (table, column, type, column constraint or "")
COLUMNS = (
    ("alerts", "assignee", "VARCHAR(255)", ""),
    ("alerts", "assignee_org", "VARCHAR(64)", ""),
    (
        "alerts",
        "outcome",
        "VARCHAR(32)",
        f"CONSTRAINT ck_alerts_outcome CHECK (outcome IS NULL"
        f" OR (outcome IN ({OUTCOMES}) AND status = 'closed'))",
    ),
    (
        "alerts",
        "outcome_note",
        "TEXT",
        "CONSTRAINT ck_alerts_outcome_note"
        " CHECK (outcome IS NULL OR outcome <> 'other' OR outcome_note IS NOT NULL)",
    ),
    ("alerts", "version", "INTEGER NOT NULL DEFAULT 1", ""),
    (
        EVENTS,
        "action",
        "VARCHAR(16)",
        f"CONSTRAINT ck_alert_events_action CHECK (action IN ({ACTIONS}))",
    ),
    (EVENTS, "from_assignee", "VARCHAR(255)", ""),
    (EVENTS, "to_assignee", "VARCHAR(255)", ""),
    (
        EVENTS,
        "outcome",
        "VARCHAR(32)",
        f"CONSTRAINT ck_alert_events_outcome CHECK (outcome IN ({OUTCOMES}))",
    ),
)

_PG_FUNCTION = """
CREATE FUNCTION alert_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the alert history is insert-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, column, kind, constraint in COLUMNS:
        if postgresql and constraint:
            # PostgreSQL: a check that may name other columns is a table constraint.
            op.execute(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {kind}')
            op.execute(f'ALTER TABLE "{table}" ADD {constraint}')
            continue
        op.execute(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {kind} {constraint}'.rstrip())
    op.execute(
        f"UPDATE {EVENTS} SET action = CASE WHEN from_status IS NULL THEN 'raised'"
        " WHEN from_status = to_status THEN 'evidence_added'"
        " WHEN to_status = 'open' THEN 'reopened' ELSE to_status END"
    )
    if postgresql:
        op.execute(_PG_FUNCTION)
        op.execute(
            f"CREATE TRIGGER {EVENTS}_insert_only BEFORE UPDATE OR DELETE ON {EVENTS}"
            " FOR EACH ROW EXECUTE FUNCTION alert_events_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {EVENTS}_no_truncate BEFORE TRUNCATE ON {EVENTS}"
            " FOR EACH STATEMENT EXECUTE FUNCTION alert_events_refuse_change()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {EVENTS}_no_{action.lower()} BEFORE {action} ON {EVENTS}"
            f" BEGIN SELECT RAISE(ABORT, 'the alert history is insert-only: {action} on"
            f" {EVENTS} refused'); END"
        )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(f"DROP TRIGGER IF EXISTS {EVENTS}_insert_only ON {EVENTS}")
        op.execute(f"DROP TRIGGER IF EXISTS {EVENTS}_no_truncate ON {EVENTS}")
        op.execute("DROP FUNCTION IF EXISTS alert_events_refuse_change()")
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {EVENTS}_no_{action}")
    for table, column, _, _ in reversed(COLUMNS):
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
