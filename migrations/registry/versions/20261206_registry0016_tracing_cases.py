"""Tracing cases and trace requests (issue 16, item 3).

``cases`` (owned by the organisation that opened them), ``case_items`` (the records
added, copied as they read then), ``case_shares`` (states a secretariat shared its case
with), ``trace_requests`` (ITI paragraph 17 fields, status, deadline, answer, outcome)
and ``trace_request_events`` (every status change with its actor). CHECK constraints
hold statuses, roles, languages and outcomes to their codes. Nothing is deleted: the
database refuses DELETE on these tables (and any UPDATE of the events), on PostgreSQL
with row triggers, on SQLite with RAISE(ABORT) triggers.

``indexed_declarations`` gains ``log_index`` and ``log_leaf_hash``: where the indexed
version's entry sits in the declarations log, for a trace request's proof reference
(null for versions indexed before this revision).

Downgrading drops the tables (their triggers with them), the function and the columns.

Revision ID: registry0016
Revises: registry0015
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0016"
down_revision: str | None = "registry0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ITEM_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TABLES = ("cases", "case_items", "case_shares", "trace_requests", "trace_request_events")
_FUNCTION = "tracing_cases_refuse_delete"
_PG_FUNCTION = f"""
CREATE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'tracing cases keep every record: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _actor(prefix: str) -> list[sa.Column[object]]:
    return [
        sa.Column(prefix, sa.String(255), nullable=False),
        sa.Column(f"{prefix}_type", sa.String(8), nullable=False),
        sa.Column(f"{prefix}_org", sa.String(64), nullable=False),
    ]


def upgrade() -> None:
    op.add_column("indexed_declarations", sa.Column("log_index", sa.BigInteger(), nullable=True))
    op.add_column("indexed_declarations", sa.Column("log_leaf_hash", sa.String(64), nullable=True))
    op.create_table(
        "cases",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("owner_org", sa.String(64), nullable=False),
        sa.Column("owner_org_type", sa.String(16), nullable=False),
        sa.Column("from_alert_id", sa.String(36), nullable=True),
        sa.Column("opened_by", sa.String(255), nullable=False),
        sa.Column("opened_by_type", sa.String(8), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    op.create_index("ix_cases_owner_created", "cases", ["owner_org", "created_at", "id"])
    op.create_index("ix_cases_created", "cases", ["created_at", "id"])
    op.create_table(
        "case_items",
        sa.Column("id", ITEM_ID, autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("item_index", sa.Integer(), nullable=True),
        sa.Column("declaration_version", sa.Integer(), nullable=True),
        sa.Column("log_index", sa.BigInteger(), nullable=True),
        sa.Column("log_leaf_hash", sa.String(64), nullable=True),
        sa.Column("item_kind", sa.String(16), nullable=True),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("manufacturer", sa.String(255), nullable=True),
        sa.Column("model", sa.String(255), nullable=True),
        sa.Column("calibre", sa.String(200), nullable=True),
        sa.Column("serial_number", sa.String(200), nullable=True),
        sa.Column("markings", sa.String(1000), nullable=True),
        sa.Column("country", sa.String(3), nullable=True),
        sa.Column("record_date", sa.Date(), nullable=True),
        sa.Column("place", sa.String(255), nullable=True),
        sa.Column("note", sa.String(2000), nullable=True),
        *_actor("added_by"),
        _at("added_at"),
        sa.CheckConstraint(
            "kind IN ('manifest_item', 'declared_item', 'trace_result', 'alert')",
            name=op.f("ck_case_items_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_items_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_items")),
    )
    op.create_index("ix_case_items_case", "case_items", ["case_id", "id"])
    op.create_table(
        "case_shares",
        sa.Column("id", ITEM_ID, autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        *_actor("shared_by"),
        _at("shared_at"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_shares_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_shares")),
    )
    op.create_index(
        "ix_case_shares_case_org", "case_shares", ["case_id", "organisation"], unique=True
    )
    op.create_index("ix_case_shares_organisation", "case_shares", ["organisation"])
    op.create_table(
        "trace_requests",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("case_item_id", ITEM_ID, nullable=False),
        sa.Column("recipient_country", sa.String(3), nullable=False),
        sa.Column("recipient_role", sa.String(24), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("marking", sa.String(1000), nullable=False),
        sa.Column("weapon_type", sa.String(64), nullable=True),
        sa.Column("calibre", sa.String(200), nullable=True),
        sa.Column("manufacturer", sa.String(255), nullable=True),
        sa.Column("model", sa.String(255), nullable=True),
        sa.Column("recovery_context", sa.Text(), nullable=False),
        sa.Column("request_text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reply_days", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        _at("sent_at", nullable=True),
        sa.Column("answer_text", sa.Text(), nullable=True),
        sa.Column("answer_file", sa.LargeBinary(), nullable=True),
        sa.Column("answer_file_name", sa.String(255), nullable=True),
        sa.Column("answer_file_type", sa.String(127), nullable=True),
        sa.Column("outcome", sa.String(24), nullable=True),
        sa.Column("origin_kind", sa.String(40), nullable=True),
        sa.Column("origin_state", sa.String(3), nullable=True),
        sa.Column("origin_recipient", sa.String(255), nullable=True),
        sa.Column("record_country", sa.String(3), nullable=True),
        sa.Column("record_date", sa.Date(), nullable=True),
        *_actor("created_by"),
        _at("created_at"),
        sa.CheckConstraint(
            "status IN ('draft', 'sent', 'acknowledged', 'answered')",
            name=op.f("ck_trace_requests_status"),
        ),
        sa.CheckConstraint(
            "recipient_role IN ('producing_state', 'last_exporter', 'last_importer',"
            " 'contributing_state')",
            name=op.f("ck_trace_requests_recipient_role"),
        ),
        sa.CheckConstraint(
            "language IN ('en', 'fr', 'pt', 'es')", name=op.f("ck_trace_requests_language")
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('origin_established', 'not_established')",
            name=op.f("ck_trace_requests_outcome"),
        ),
        sa.CheckConstraint(
            "origin_kind IS NULL OR origin_kind IN ('contingent_owned_equipment',"
            " 'national_stockpile', 'legal_transfer', 'manufactured_for_embargoed_party')",
            name=op.f("ck_trace_requests_origin_kind"),
        ),
        sa.CheckConstraint(
            "(status = 'answered') = (outcome IS NOT NULL)",
            name=op.f("ck_trace_requests_answered_outcome"),
        ),
        sa.CheckConstraint(
            "(COALESCE(outcome, '') = 'origin_established') = (origin_kind IS NOT NULL)",
            name=op.f("ck_trace_requests_origin_kind_set"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_trace_requests_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["case_item_id"],
            ["case_items.id"],
            name=op.f("fk_trace_requests_case_item_id_case_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trace_requests")),
    )
    op.create_index("ix_trace_requests_case", "trace_requests", ["case_id", "created_at", "id"])
    op.create_index(
        "ix_trace_requests_outcome",
        "trace_requests",
        ["outcome", "record_country", "record_date"],
    )
    op.create_table(
        "trace_request_events",
        sa.Column("id", ITEM_ID, autoincrement=True, nullable=False),
        sa.Column("trace_request_id", sa.String(36), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        *_actor("actor"),
        _at("at"),
        sa.ForeignKeyConstraint(
            ["trace_request_id"],
            ["trace_requests.id"],
            name=op.f("fk_trace_request_events_trace_request_id_trace_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trace_request_events")),
    )
    op.create_index(
        "ix_trace_request_events_request", "trace_request_events", ["trace_request_id", "id"]
    )
    _refuse_deletes()


def _refuse_deletes() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(_PG_FUNCTION)
    for table in TABLES:
        # Events are never rewritten either; the other rows move forward (status, answer).
        actions = ("DELETE", "UPDATE") if table == "trace_request_events" else ("DELETE",)
        if postgresql:
            op.execute(
                f"CREATE TRIGGER {table}_keep BEFORE {' OR '.join(actions)} ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()"
            )
            continue
        for action in actions:
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}"
                f" BEGIN SELECT RAISE(ABORT, 'tracing cases keep every record: {action} on"
                f" {table} refused'); END"
            )


def downgrade() -> None:
    # Dropping a table drops its triggers; the PostgreSQL function goes after them.
    for table in reversed(TABLES):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {_FUNCTION}()")
    for column in ("log_leaf_hash", "log_index"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f'ALTER TABLE "indexed_declarations" DROP COLUMN "{column}"')
        else:
            op.drop_column("indexed_declarations", column)
