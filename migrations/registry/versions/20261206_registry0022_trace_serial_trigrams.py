"""Trigram indexes for tracing a serial whose legible part is in its middle.

A wildcard trace such as ``*0123?5`` or ``56-00?2345`` has no long literal prefix or
suffix, so neither the serial-key indexes nor registry0021's reversed ones narrow it
much (a tenth of each source read at millions of items). On PostgreSQL,
``ix_<table>_serial_key_trgm`` index the trigrams of ``serial_key`` of manifest,
declared and loss-report items (GIN, ``gin_trgm_ops`` of the ``pg_trgm`` extension),
so ``serial_key LIKE '%0123_5'`` reads the keys holding all of the pattern's
trigrams. SQLite has no such index: there the trace keeps its prefix range.

``pg_trgm`` ships with PostgreSQL (contrib) and is trusted since PostgreSQL 13: the
database's owner, or any role with CREATE on the database, may create it. A role that
may not fails the migration with a message asking an operator to run
``CREATE EXTENSION pg_trgm`` in the registry database; nothing of the upgrade is kept
(PostgreSQL rolls the whole migration transaction back).

Downgrading drops the three indexes, and the extension when this migration created it
(its comment says so) and nothing else uses it.

Revision ID: registry0022
Revises: registry0021
Create Date: 2026-12-06 06:00:00
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "registry0022"
down_revision: str | None = "registry0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("manifest_items", "declared_items", "loss_report_items")
# Set on the extension when this migration created it, so that its downgrade drops the
# extension it made and leaves alone one an operator (or another schema) installed.
CREATED_HERE = "pg_trgm, created by the registry migration registry0022"

log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if not _installed(bind):
        _create_extension(bind)
    for table in TABLES:
        op.create_index(
            op.f(f"ix_{table}_serial_key_trgm"),
            table,
            ["serial_key"],
            postgresql_using="gin",
            postgresql_ops={"serial_key": "gin_trgm_ops"},
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in TABLES:
        op.drop_index(op.f(f"ix_{table}_serial_key_trgm"), table_name=table)
    comment = bind.execute(
        sa.text(
            "SELECT obj_description(oid, 'pg_extension') FROM pg_extension"
            " WHERE extname = 'pg_trgm'"
        )
    ).scalar()
    if comment != CREATED_HERE:
        return
    # Something else may have come to use it since (another index, a function): then
    # the extension stays, and the downgrade says so rather than failing.
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("DROP EXTENSION pg_trgm RESTRICT"))
    except sa.exc.DBAPIError as exc:
        savepoint.rollback()
        log.warning("pg_trgm kept: other objects use it (%s)", str(exc.orig).splitlines()[0])
    else:
        savepoint.commit()


def _installed(bind: sa.Connection) -> bool:
    found = bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))
    return found.first() is not None


def _create_extension(bind: sa.Connection) -> None:
    database = bind.execute(sa.text("SELECT current_database()")).scalar()
    role = bind.execute(sa.text("SELECT current_user")).scalar()
    try:
        bind.execute(sa.text("CREATE EXTENSION pg_trgm"))
    except sa.exc.DBAPIError as exc:
        reason = str(exc.orig).splitlines()[0]
        raise RuntimeError(
            f"registry0022 needs the pg_trgm extension, and role {role!r} could not create"
            f" it ({reason}). Ask an operator to run, as a superuser or (PostgreSQL 13+) as"
            f' the database\'s owner: psql -d "{database}" -c "CREATE EXTENSION pg_trgm"'
            " (Debian: part of the postgresql package; elsewhere postgresql-contrib),"
            " then run the migration again. Nothing of this upgrade was applied."
        ) from exc
    bind.execute(sa.text(f"COMMENT ON EXTENSION pg_trgm IS '{CREATED_HERE}'"))
